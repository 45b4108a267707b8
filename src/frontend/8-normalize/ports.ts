import type { PortMapping } from "../../model/project.js";
import type { Parsed } from "../short-syntax/parsed.js";
import { checkPort, parsePort, type PortShortSyntax } from "../short-syntax/port.js";
import type { RawMapping } from "../parse-yaml.js";
import { isMapping, scalarText, type Node } from "./context.js";

/** `ports:` in every short form compose accepts, and the long form, as one list of mappings. */
export function normalizePorts(service: Node): PortMapping[] {
  const raw = service.get("ports");
  if (!Array.isArray(raw)) return [];
  const out: PortMapping[] = [];
  raw.forEach((item, i) => {
    const text = isMapping(item) ? undefined : scalarText(item);
    const port = isMapping(item) ? longPort(item) : text === undefined ? undefined : parsePort(text);
    if (port?.ok) out.push({ ...port.value, at: service.at("ports", i) });
    else if (port) service.report("invalid-port", port.reason, "ports", i);
  });
  return out;
}

function longPort(item: RawMapping): Parsed<PortShortSyntax> {
  const published = item.published === undefined || item.published === null ? undefined : scalarText(item.published);
  return checkPort({ target: scalarText(item.target) ?? "", published, hostIp: scalarText(item.host_ip), protocol: scalarText(item.protocol) ?? "tcp" });
}

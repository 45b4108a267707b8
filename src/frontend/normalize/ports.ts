import type { PortMapping } from "../../model/project.js";
import { isMapping, scalarText, type Node } from "./context.js";

const PORT_OR_RANGE = /^(\d{1,5})(?:-(\d{1,5}))?$/;

/** `ports:` in every short form compose accepts, and the long form, as one list of mappings. */
export function normalizePorts(service: Node): PortMapping[] {
  const raw = service.get("ports");
  if (!Array.isArray(raw)) return [];
  const out: PortMapping[] = [];
  raw.forEach((item, i) => {
    const at = service.at("ports", i);
    if (isMapping(item)) {
      const target = scalarText(item.target);
      const published = item.published === undefined || item.published === null ? undefined : scalarText(item.published);
      const hostIp = scalarText(item.host_ip);
      const protocol = (scalarText(item.protocol) ?? "tcp").toLowerCase();
      const mapping = checkPort(service, ["ports", i], { target: target ?? "", published, hostIp, protocol });
      if (mapping) out.push({ ...mapping, at });
      return;
    }
    const text = scalarText(item);
    if (text === undefined) return;
    const parsed = parseShortPort(text);
    if (!parsed) {
      service.error(`invalid port "${text}": expected [[HOST_IP:]HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`, "ports", i);
      return;
    }
    const mapping = checkPort(service, ["ports", i], parsed);
    if (mapping) out.push({ ...mapping, at });
  });
  return out;
}

interface PortParts {
  target: string;
  published: string | undefined;
  hostIp: string | undefined;
  protocol: string;
}

function parseShortPort(text: string): PortParts | undefined {
  let rest = text.trim();
  let protocol = "tcp";
  const slash = rest.lastIndexOf("/");
  if (slash >= 0) {
    protocol = rest.slice(slash + 1).toLowerCase();
    rest = rest.slice(0, slash);
  }
  let hostIp: string | undefined;
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    if (close < 0 || rest[close + 1] !== ":") return undefined;
    hostIp = rest.slice(1, close);
    rest = rest.slice(close + 2);
  }
  const parts = rest.split(":");
  if (hostIp !== undefined && parts.length !== 2) return undefined;
  if (parts.length === 1) return { target: parts[0]!, published: undefined, hostIp, protocol };
  if (parts.length === 2) return { target: parts[1]!, published: parts[0] || undefined, hostIp, protocol };
  // An IPv6 address written without brackets: everything before the last two fields.
  return { target: parts[parts.length - 1]!, published: parts[parts.length - 2] || undefined, hostIp: parts.slice(0, -2).join(":"), protocol };
}

function checkPort(service: Node, path: (string | number)[], p: PortParts): Omit<PortMapping, "at"> | undefined {
  const target = PORT_OR_RANGE.exec(p.target);
  if (!target || !validRange(target)) {
    service.error(`invalid container port "${p.target}"`, ...path);
    return undefined;
  }
  if (p.published !== undefined) {
    const published = PORT_OR_RANGE.exec(p.published);
    if (!published || !validRange(published)) {
      service.error(`invalid published port "${p.published}"`, ...path);
      return undefined;
    }
    const span = (m: RegExpExecArray) => (m[2] ? Number(m[2]) - Number(m[1]) : 0);
    if (span(target) > 0 && span(target) !== span(published)) {
      service.error(`port ranges "${p.published}" and "${p.target}" differ in size`, ...path);
      return undefined;
    }
  }
  if (p.protocol !== "tcp" && p.protocol !== "udp" && p.protocol !== "sctp") {
    service.error(`invalid protocol "${p.protocol}": expected tcp, udp or sctp`, ...path);
    return undefined;
  }
  if (p.hostIp !== undefined && !/^[0-9A-Fa-f.:]+$/.test(p.hostIp)) {
    service.error(`invalid host IP "${p.hostIp}"`, ...path);
    return undefined;
  }
  return {
    target: p.target,
    protocol: p.protocol,
    ...(p.published !== undefined ? { published: p.published } : {}),
    ...(p.hostIp !== undefined && p.hostIp !== "" ? { hostIp: p.hostIp } : {}),
  };
}

function validRange(m: RegExpExecArray): boolean {
  const lo = Number(m[1]);
  const hi = m[2] ? Number(m[2]) : lo;
  return lo >= 0 && hi <= 65535 && lo <= hi;
}

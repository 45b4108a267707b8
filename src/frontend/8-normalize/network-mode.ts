import type { NetworkMode } from "../../model/project.js";
import { parseNamespaceReference } from "../short-syntax/reference.js";
import { scalarText, type Node } from "./context.js";

export function normalizeNetworkMode(node: Node): NetworkMode | undefined {
  const text = scalarText(node.get("network_mode"));
  if (text === undefined) return undefined;
  const at = node.at("network_mode");
  const reference = parseNamespaceReference(text);
  const value = reference.ok ? reference.value : undefined;
  if (value?.kind === "service") return { kind: "service", service: value.name, at };
  if (value?.kind === "container") return { kind: "container", container: value.name, at };
  if (value?.mode === "host" || value?.mode === "none" || value?.mode === "bridge") return { kind: value.mode, at };
  node.report("invalid-reference", `invalid network_mode "${text}": expected host, none, bridge, service:NAME or container:NAME`, "network_mode");
  return undefined;
}

import type { NamespaceMode } from "../../model/project.js";
import { parseNamespaceReference } from "../short-syntax/reference.js";
import { scalarText, type Node } from "./context.js";

/** `ipc:` and `pid:`: `service:NAME` shares another service's namespace and so depends on it. */
export function namespaceMode(node: Node, key: "ipc" | "pid"): NamespaceMode | undefined {
  const text = scalarText(node.get(key));
  if (text === undefined) return undefined;
  const at = node.at(key);
  const reference = parseNamespaceReference(text);
  if (!reference.ok) {
    node.report("invalid-reference", `invalid ${key} "${text}": ${reference.reason}`, key);
    return undefined;
  }
  return reference.value.kind === "service" ? { kind: "service", service: reference.value.name, at } : { kind: "value", value: text, at };
}

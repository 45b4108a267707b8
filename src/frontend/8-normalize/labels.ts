import type { Label } from "../../model/project.js";
import { keyValueEntries, type Node } from "./context.js";

export function normalizeLabels(node: Node): Label[] {
  return keyValueEntries(node, "labels").map((e) => ({ name: e.name, value: e.value ?? "", at: node.at(...e.path) }));
}

import type { Located } from "../../model/project.js";
import { parseExposedPort } from "../short-syntax/port.js";
import { scalarText, type Node } from "./context.js";

export function exposeList(node: Node): Located<string>[] {
  const raw = node.get("expose");
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((v, i) => {
    const port = parseExposedPort(scalarText(v) ?? String(v));
    if (!port.ok) {
      node.report("invalid-port", port.reason, "expose", i);
      return [];
    }
    return [{ value: port.value, at: node.at("expose", i) }];
  });
}

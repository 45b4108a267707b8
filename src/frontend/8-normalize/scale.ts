import type { Node } from "./context.js";

export function checkScale(node: Node): void {
  const scale = node.get("scale");
  if (scale !== undefined && scale !== 1 && scale !== "1") {
    node.report("unsupported-value", "scale other than 1 is not supported: each service runs one container under one unit", "scale");
  }
}

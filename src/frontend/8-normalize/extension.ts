import type { Node } from "./context.js";

const EXTENSION_KEYS = new Set(["image_archive"]);

/** Our own `x-compose2units` settings are checked like any other key: a typo must not pass silently. */
export function checkExtension(node: Node): void {
  const ext = node.get("x-compose2units");
  if (ext === undefined) return;
  const map = node.child("x-compose2units");
  if (!map) {
    node.report("invalid-value", "x-compose2units must be a mapping", "x-compose2units");
    return;
  }
  for (const key of Object.keys(map.value)) {
    if (!EXTENSION_KEYS.has(key))
      node.ctx.diagnostics.error("unsupported-key", `x-compose2units: unknown key "${key}" (known: ${[...EXTENSION_KEYS].join(", ")})`, map.keyAt(key));
  }
}

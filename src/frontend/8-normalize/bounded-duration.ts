import type { Node } from "./context.js";
import { MAX_DURATION_SECONDS, parseDuration, rangeText } from "./units-of-measure.js";

/** A duration in seconds, reported at `key` of `node` when it is not one or is out of range. */
export function boundedDuration(node: Node, key: string): number | undefined {
  const raw = node.get(key);
  if (raw === undefined || raw === null) return undefined;
  const seconds = parseDuration(raw as string | number);
  if (seconds === undefined) {
    node.report("invalid-duration", `invalid duration "${String(raw)}" (expected e.g. 10s, 1m30s)`, key);
    return undefined;
  }
  if (seconds > MAX_DURATION_SECONDS) {
    node.report("out-of-range", `${key} "${String(raw)}" is out of range: from ${rangeText(0, MAX_DURATION_SECONDS)} seconds (about 68 years)`, key);
    return undefined;
  }
  return seconds;
}

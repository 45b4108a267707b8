import type { StopPolicy } from "../../model/project.js";
import { boundedDuration } from "./bounded-duration.js";
import { scalarText, type Node } from "./context.js";
import { wholeSeconds } from "./units-of-measure.js";

/**
 * docker's signal names (case does not matter, SIG is optional, real-time
 * ones as RTMIN+N) or numbers; anything else docker refuses, and a control
 * character could not be put on a unit line.
 */
const SIGNAL = /^(?:(?:SIG)?[A-Z][A-Z0-9]*(?:[+-]\d{1,2})?|\d{1,2})$/i;

export function normalizeStop(node: Node): StopPolicy {
  const seconds = boundedDuration(node, "stop_grace_period");
  const grace = seconds === undefined ? 10 : wholeSeconds(seconds);
  const text = scalarText(node.get("stop_signal"));
  if (text && !SIGNAL.test(text))
    node.report(
      "invalid-value",
      `stop_signal ${JSON.stringify(text)} is not a signal: write a name such as SIGTERM or SIGQUIT, or a number such as 15`,
      "stop_signal",
    );
  return { gracePeriodSeconds: grace, ...(text && SIGNAL.test(text) ? { signal: { value: text, at: node.at("stop_signal") } } : {}) };
}

import type { StopPolicy } from "../../model/project.js";
import { signalNumber } from "../../model/signals.js";
import { boundedDuration } from "./bounded-duration.js";
import { scalarText, type Node } from "./context.js";
import { wholeSeconds } from "./units-of-measure.js";

export function normalizeStop(node: Node): StopPolicy {
  const seconds = boundedDuration(node, "stop_grace_period");
  const grace = seconds === undefined ? 10 : wholeSeconds(seconds);
  const text = scalarText(node.get("stop_signal"));
  // Anything but a signal docker knows it refuses; a control character could not be put on a unit line.
  const known = text ? signalNumber(text) !== undefined : false;
  if (text && !known)
    node.report(
      "invalid-value",
      `stop_signal ${JSON.stringify(text)} is not a signal: write a name such as SIGTERM or SIGQUIT, or a number such as 15`,
      "stop_signal",
    );
  return { gracePeriodSeconds: grace, ...(text && known ? { signal: { value: text, at: node.at("stop_signal") } } : {}) };
}

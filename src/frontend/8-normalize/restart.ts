import type { RestartPolicy } from "../../model/project.js";
import { scalarText, type Node } from "./context.js";
import { integerWithin, rangeText } from "./units-of-measure.js";

export function normalizeRestart(node: Node): RestartPolicy {
  const text = scalarText(node.get("restart"));
  if (text === undefined) return { mode: "no" };
  const at = node.at("restart");
  const m = /^(no|always|unless-stopped|on-failure)(?::(\d+))?$/.exec(text);
  if (!m || (m[2] !== undefined && m[1] !== "on-failure")) {
    node.report("invalid-value", `invalid restart policy "${text}": expected no, always, unless-stopped or on-failure[:N]`, "restart");
    return { mode: "no", at };
  }
  if (m[2] !== undefined && !integerWithin(m[2], 0n, BigInt(MAX_RESTARTS))) {
    node.report(
      "out-of-range",
      `restart "${text}": on-failure takes from ${rangeText(0, MAX_RESTARTS)} restarts (systemd counts the first start and the restarts in an unsigned 32-bit StartLimitBurst=)`,
      "restart",
    );
    return { mode: "no", at };
  }
  return { mode: m[1] as RestartPolicy["mode"], ...(m[2] !== undefined ? { maxRetries: Number(m[2]) } : {}), at };
}

/** StartLimitBurst= is N + 1 and an unsigned 32-bit number. */
const MAX_RESTARTS = 2 ** 32 - 2;

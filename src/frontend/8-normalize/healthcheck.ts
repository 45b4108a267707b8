import type { Healthcheck } from "../../model/project.js";
import { boundedDuration } from "./bounded-duration.js";
import { asBoolean, scalarText, type Node } from "./context.js";
import { integerProblem, rangeText } from "./units-of-measure.js";

export function normalizeHealthcheck(node: Node): Healthcheck | undefined {
  const hc = node.child("healthcheck");
  if (!hc) return undefined;
  const at = node.at("healthcheck");
  const duration = (key: string): number | undefined => boundedDuration(hc, key);
  if (asBoolean(hc.get("disable")) === true) return { kind: "disabled", at };
  const rawTest = hc.get("test");
  let test: string[] = [];
  if (typeof rawTest === "string") test = ["CMD-SHELL", rawTest];
  else if (Array.isArray(rawTest)) test = rawTest.map((t) => scalarText(t) ?? "");
  if (test.length > 0 && !["NONE", "CMD", "CMD-SHELL"].includes(test[0]!)) {
    hc.report("invalid-command", `healthcheck test must start with NONE, CMD or CMD-SHELL, not "${test[0]}"`, "test");
    return undefined;
  }
  const retriesText = scalarText(hc.get("retries"));
  // docker keeps retries in an int; the bound keeps the wait a dependent allows (readiness.ts) a number systemd takes.
  const retriesProblem = retriesText === undefined ? undefined : integerProblem(retriesText, 0n, BigInt(MAX_RETRIES));
  if (retriesProblem)
    hc.report(retriesProblem, `healthcheck retries must be a whole number from ${rangeText(0, MAX_RETRIES)}, not "${retriesText}"`, "retries");
  const retries = retriesText !== undefined && !retriesProblem ? Number(retriesText) : undefined;
  const interval = duration("interval");
  const timeout = duration("timeout");
  const startPeriod = duration("start_period");
  if (hc.has("start_interval"))
    node.ctx.diagnostics.error("unsupported-key", "healthcheck.start_interval needs docker 25 or newer and is not supported", hc.keyAt("start_interval"));
  if (test[0] === "NONE") return { kind: "disabled", at };
  // docker joins the words of a CMD-SHELL test with spaces into one command for the shell.
  const kind =
    test[0] === "CMD-SHELL"
      ? { kind: "shell" as const, command: test.slice(1).join(" ") }
      : test[0] === "CMD"
        ? { kind: "exec" as const, argv: test.slice(1) }
        : { kind: "image" as const };
  return {
    ...kind,
    ...(interval !== undefined ? { intervalSeconds: interval } : {}),
    ...(timeout !== undefined ? { timeoutSeconds: timeout } : {}),
    ...(startPeriod !== undefined ? { startPeriodSeconds: startPeriod } : {}),
    ...(retries !== undefined ? { retries } : {}),
    at,
  };
}

const MAX_RETRIES = 2 ** 31 - 1;

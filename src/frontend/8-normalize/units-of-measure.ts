/**
 * Go-style durations as compose writes them (`1m30s`, `500ms`, `2h`), or a
 * bare number of seconds. Returns seconds, or undefined when it is not one.
 */
export function parseDuration(text: string | number): number | undefined {
  if (typeof text === "number") return Number.isFinite(text) && text >= 0 ? text : undefined;
  const s = text.trim();
  if (SECONDS.test(s)) return Number(s);
  let total = 0;
  let pos = 0;
  while (pos < s.length) {
    DURATION_PART.lastIndex = pos;
    const m = DURATION_PART.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * SECONDS_PER_UNIT[m[2]!]!;
    pos = DURATION_PART.lastIndex;
  }
  return pos > 0 ? total : undefined;
}

const SECONDS = /^\d+(\.\d+)?$/;
/** Sticky: each match must start where the previous one ended. */
const DURATION_PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;
const SECONDS_PER_UNIT: Readonly<Record<string, number>> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Docker's own size spelling (`512m`, `1g`, `1024`): validated here, passed to docker as written. */
export function isByteSize(text: string | number): boolean {
  return typeof text === "number" ? Number.isInteger(text) && text >= 0 : /^\d+(\.\d+)?\s*([bkmg]b?|[kmg]i?b)?$/i.test(text.trim());
}

/** Whole seconds for `docker stop -t` and systemd; rounds up so a grace period is never shortened. */
export function wholeSeconds(seconds: number): number {
  return Math.ceil(seconds - 1e-9);
}

/** The range of Go's int64, which docker parses its numeric flags into. */
export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

/** Whether `text` is a whole number from `min` to `max`: compared exactly, so 20 digits do not pass as a rounded float. */
export function integerWithin(text: string, min: bigint, max: bigint): boolean {
  const t = text.trim();
  if (!/^-?\d+$/.test(t)) return false;
  const n = BigInt(t);
  return n >= min && n <= max;
}

/** Why `text` is not a whole number from `min` to `max`, as a diagnostic code; undefined when it is one. */
export function integerProblem(text: string, min: bigint, max: bigint): "invalid-number" | "out-of-range" | undefined {
  if (/^-?\d+$/.test(text.trim())) return integerWithin(text, min, max) ? undefined : "out-of-range";
  // YAML reads a whole number too long for a double as a float, which prints as `1e+23`: still a whole number, out of range.
  const n = Number(text);
  return Number.isInteger(n) && (n > Number(max) || n < Number(min)) ? "out-of-range" : "invalid-number";
}

/** `min` to `max` for a message. */
export function rangeText(min: bigint | number, max: bigint | number): string {
  return `${min} to ${max}`;
}

const BYTES_PER_UNIT: Readonly<Record<string, number>> = { "": 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** A size docker takes (`isByteSize`) in bytes, as docker counts them (k, m, g are powers of 1024). */
export function byteCount(text: string | number): number {
  if (typeof text === "number") return text;
  const m = /^(\d+(?:\.\d+)?)\s*([bkmg]?)/i.exec(text.trim())!;
  return Number(m[1]) * BYTES_PER_UNIT[m[2]!.toLowerCase()]!;
}

/**
 * Longest time, in seconds, a compose duration may give where it reaches
 * systemd or docker (stop_grace_period, healthcheck times): docker's int
 * seconds and Go durations take more, and so does systemd's TimeoutStopSec=,
 * but 68 years is past any real use and keeps the sums made from them exact.
 */
export const MAX_DURATION_SECONDS = 2 ** 31 - 1;

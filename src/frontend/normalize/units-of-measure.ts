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
const SECONDS_PER_UNIT: Readonly<Record<string, number>> = { ns: 1e-9, us: 1e-6, "µs": 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Docker's own size spelling (`512m`, `1g`, `1024`): validated here, passed to docker as written. */
export function isByteSize(text: string | number): boolean {
  return typeof text === "number" ? Number.isInteger(text) && text >= 0 : /^\d+(\.\d+)?\s*([bkmg]b?|[kmg]i?b)?$/i.test(text.trim());
}

/** Whole seconds for `docker stop -t` and systemd; rounds up so a grace period is never shortened. */
export function wholeSeconds(seconds: number): number {
  return Math.ceil(seconds - 1e-9);
}

import { substitute } from "../3-interpolate/interpolate.js";
import { BUDGET_SPENT, type LoadBudget } from "../limits.js";

/** One `NAME=value` line of an env file, with the line it was on. */
export interface DotenvEntry {
  readonly name: string;
  /** undefined for a bare `NAME`: take the value from the environment, if set. */
  readonly value: string | undefined;
  readonly line: number;
}

export type DotenvResult = { ok: true; entries: DotenvEntry[] } | { ok: false; line: number; message: string };

/** Looks a variable up for `${...}` in values; undefined when it is not set. */
export type DotenvLookup = (name: string) => string | undefined;

const NAME = /^[A-Za-z_][A-Za-z0-9_.\-[\]]*$/;
const SPACE = /[ \t\v\f\r\u0085\u00a0]/;

/**
 * Parses `.env` and `env_file` contents with the rules docker compose uses:
 * `#` comment lines, an optional `export `, `NAME=value` or `NAME: value`,
 * unquoted values trimmed and cut at ` #`, single quotes literal, double
 * quotes with backslash escapes (`\n`, `\t`, `\"`, `\\`, `\$`, octal `\0NNN`),
 * quoted values over several lines, and a bare `NAME` that takes its value
 * from the environment.
 *
 * With `lookup`, `$VAR` and `${VAR...}` in unquoted and double-quoted
 * values are substituted as docker compose does, from the file's earlier
 * entries first and then from `lookup`; without it, values stay as written.
 */
export function parseDotenv(text: string, lookup?: DotenvLookup, budget?: LoadBudget): DotenvResult {
  // Each reading counts: a thousand services can name one large env file.
  if (budget && !budget.spend(text.length)) return { ok: false, line: 1, message: BUDGET_SPENT };
  const src = text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  const entries: DotenvEntry[] = [];
  const defined = new Map<string, string>();
  let pos = 0;
  let line = 1;
  const advance = (to: number) => {
    for (let i = pos; i < to; i++) if (src[i] === "\n") line++;
    pos = to;
  };
  for (;;) {
    // Skip blank space and comment lines.
    while (pos < src.length) {
      const c = src[pos]!;
      if (c === "#") {
        const nl = src.indexOf("\n", pos);
        advance(nl < 0 ? src.length : nl);
      } else if (c === "\n" || SPACE.test(c)) {
        advance(pos + 1);
      } else break;
    }
    if (pos >= src.length) break;
    const start = line;
    const exported = /^export[ \t]+/.exec(src.slice(pos, pos + 20));
    if (exported) advance(pos + exported[0].length);
    // The name ends at `=`, `:` or the end of the line (a bare name).
    let end = pos;
    while (end < src.length && !"=:\n".includes(src[end]!)) end++;
    const name = src.slice(pos, end).trim();
    if (!NAME.test(name)) return { ok: false, line: start, message: invalidName(name, src[end] === "=" || src[end] === ":") };
    if (end >= src.length || src[end] === "\n") {
      entries.push({ name, value: undefined, line: start });
      advance(end);
      continue;
    }
    advance(end + 1);
    while (pos < src.length && SPACE.test(src[pos]!)) advance(pos + 1);
    const quote = src[pos];
    let value: string;
    if (quote === "'" || quote === '"') {
      let close = -1;
      for (let i = pos + 1; i < src.length; i++) {
        if (src[i] === quote && src[i - 1] !== "\\") {
          close = i;
          break;
        }
      }
      if (close < 0) return { ok: false, line: start, message: `unterminated ${quote === "'" ? "single" : "double"} quote` };
      const raw = src.slice(pos + 1, close);
      // Parsing goes on right after the closing quote, as in compose: a ` # comment` there is skipped.
      advance(close + 1);
      if (quote === "'") value = raw;
      else {
        const expanded = expand(unescapeDouble(raw, lookup !== undefined), defined, lookup, budget);
        if (!expanded.ok) return { ok: false, line: start, message: `variable ${name}: ${expanded.message}` };
        value = expanded.text;
      }
    } else {
      const nl = src.indexOf("\n", pos);
      let raw = src.slice(pos, nl < 0 ? src.length : nl);
      advance(nl < 0 ? src.length : nl);
      const comment = raw.indexOf(" #");
      if (comment >= 0) raw = raw.slice(0, comment);
      raw = raw.replace(/\s+$/, "");
      const expanded = expand(raw, defined, lookup, budget);
      if (!expanded.ok) return { ok: false, line: start, message: `variable ${name}: ${expanded.message}` };
      value = expanded.text;
    }
    defined.set(name, value);
    entries.push({ name, value, line: start });
  }
  return { ok: true, entries };
}

/**
 * Text before `=` or `:` was meant as a name and is shown; a whole line
 * without either may be a value that lost its name (a pasted password), so
 * it is not.
 */
function invalidName(name: string, beforeValue: boolean): string {
  if (!beforeValue) return "a line that is neither NAME=value nor a variable name (the line is not shown: it may hold a value)";
  return name.includes(" ") || name.includes("\t") ? `invalid variable name "${name}" (a name cannot contain spaces)` : `invalid variable name "${name}"`;
}

function expand(
  raw: string,
  defined: ReadonlyMap<string, string>,
  lookup: DotenvLookup | undefined,
  budget: LoadBudget | undefined,
): { ok: true; text: string } | { ok: false; message: string } {
  if (!lookup || !raw.includes("$")) return { ok: true, text: raw };
  const env = new Proxy({} as Record<string, string | undefined>, {
    get: (_t, name) => (typeof name === "string" ? (defined.get(name) ?? lookup(name)) : undefined),
  });
  const result = substitute(raw, env, budget);
  return result.ok ? { ok: true, text: result.text } : { ok: false, message: result.message };
}

const ESCAPES: Readonly<Record<string, string>> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", '"': '"', "\\": "\\" };

/** Backslash escapes in a double-quoted value; `\$` stays `$$` when the value is substituted afterwards. */
function unescapeDouble(raw: string, substituted: boolean): string {
  return raw.replace(/\\(0[0-7]{3}|.)/gs, (match, c: string) => {
    if (c === "$") return substituted ? "$$" : "$";
    if (c.length === 4) return String.fromCharCode(Number.parseInt(c.slice(1), 8));
    return ESCAPES[c] ?? match;
  });
}

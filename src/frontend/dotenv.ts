/** One `NAME=value` line of an env file, with the line it was on. */
export interface DotenvEntry {
  readonly name: string;
  /** undefined for a bare `NAME`: take the value from the environment, if set. */
  readonly value: string | undefined;
  readonly line: number;
}

export type DotenvResult = { ok: true; entries: DotenvEntry[] } | { ok: false; line: number; message: string };

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * Parses `.env` and `env_file` contents with the rules docker compose uses:
 * `#` comments, optional `export `, single quotes literal, double quotes with
 * `\n`-style escapes, unquoted values trimmed and cut at ` #`.
 */
export function parseDotenv(text: string): DotenvResult {
  const entries: DotenvEntry[] = [];
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let line = lines[i]!.trim();
    if (line === "" || line.startsWith("#")) continue;
    if (line.startsWith("export ")) line = line.slice(7).trimStart();
    const eq = line.indexOf("=");
    const name = (eq < 0 ? line : line.slice(0, eq)).trim();
    if (!NAME.test(name)) return { ok: false, line: lineNo, message: `invalid variable name "${name}"` };
    if (eq < 0) {
      entries.push({ name, value: undefined, line: lineNo });
      continue;
    }
    let rest = line.slice(eq + 1).trimStart();
    const quote = rest[0];
    if (quote === "'" || quote === '"') {
      // A quoted value may run over several lines.
      let body = rest.slice(1);
      let end = closingQuote(body, quote);
      while (end < 0 && i + 1 < lines.length) {
        body += "\n" + lines[++i]!;
        end = closingQuote(body, quote);
      }
      if (end < 0) return { ok: false, line: lineNo, message: `unterminated ${quote === "'" ? "single" : "double"} quote` };
      const raw = body.slice(0, end);
      entries.push({ name, value: quote === "'" ? raw : unescapeDouble(raw), line: lineNo });
      continue;
    }
    const comment = rest.search(/\s#/);
    if (comment >= 0) rest = rest.slice(0, comment);
    entries.push({ name, value: rest.trim(), line: lineNo });
  }
  return { ok: true, entries };
}

function closingQuote(body: string, quote: string): number {
  for (let j = 0; j < body.length; j++) {
    if (quote === '"' && body[j] === "\\") {
      j++;
      continue;
    }
    if (body[j] === quote) return j;
  }
  return -1;
}

function unescapeDouble(raw: string): string {
  const map: Record<string, string> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\", $: "$" };
  return raw.replace(/\\(.)/g, (m, c: string) => map[c] ?? m);
}

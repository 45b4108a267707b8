import { readableByCloudInit } from "../cloud-config-yaml.js";

/**
 * Quoting of argv words for systemd command lines (`ExecStart=`,
 * `ExecStartPre=`, `ExecStop=`, ...), so that systemd hands the program
 * exactly the bytes we meant. Pure: no I/O.
 *
 * What systemd does with the text after `ExecStart=` (man systemd.service,
 * "COMMAND LINES"; man systemd.unit, "SPECIFIERS"), in order:
 *
 *  1. Reading the file: the line must be valid UTF-8 *as systemd defines it*,
 *     or the whole assignment is dropped ("String is not UTF-8 clean,
 *     ignoring assignment"). systemd also counts the Unicode noncharacters
 *     (U+FDD0..U+FDEF and U+xxFFFE/U+xxFFFF in every plane) as invalid. A
 *     line ending in an odd number of backslashes continues on the next line;
 *     a line longer than 1 MiB makes the whole unit fail to load.
 *  2. Splitting into words on space/tab/CR/LF, unquoting `"..."` and `'...'`
 *     (quotes may start mid-word and are concatenated: a"b c"d is `ab cd`),
 *     and C unescaping (`\\`, `\"`, `\t`, `\x41`, `\101`, `\u00e9`, `\s`, ...)
 *     both inside and outside quotes. An unquoted `;` standing alone separates
 *     two commands (still so in systemd 252); `\;` alone is a literal `;`.
 *  3. Per word, after unquoting: `%` specifiers (`%n`, `%i`, ...); `%%` is `%`.
 *  4. At exec time, per word: `${NAME}` anywhere and `$NAME` as a whole word
 *     are replaced from the environment; `$$` is `$`.
 *
 * We therefore double `%` and `$`, backslash-escape `\` and `"`, and wrap the
 * word in double quotes whenever it holds anything step 2 would act on, so the
 * unquoted, unescaped, specifier-expanded, environment-expanded word is the
 * original. Step 1 cannot be quoted around: control characters and
 * noncharacters are refused (`ok: false`). Everything else in Unicode,
 * including emoji and non-ASCII whitespace, passes through as raw UTF-8.
 *
 * THE FIRST WORD IS SPECIAL. On the executable (the first word of a command
 * line) systemd strips leading prefix characters after unquoting, so quoting
 * does not protect them:
 *    `-` ignore the exit status / a missing executable,
 *    `@` the next word becomes argv[0],
 *    `:` NO environment expansion: `$$` would then reach the program as `$$`,
 *    `+` run with full privileges, `!` / `!!` skip credential dropping.
 * The executable is also never environment-expanded (only argv is), must not
 * contain quotes or backslashes, and must be absolute here. A caller must
 * never pass a word starting with one of these characters as the executable
 * by accident: use `execLine`, which insists on an absolute path, and
 * prepend a prefix (e.g. `-`) deliberately to its result. After the first
 * word, `-`, `@`, `:`, `+`, `!` are ordinary characters and stay bare.
 */

export type QuoteResult = { ok: true; text: string } | { ok: false; reason: string };

/**
 * The longest line systemd 252 reads, in bytes, without its newline: it
 * reads lines into a buffer of LONG_LINE_MAX (1 MiB) that must hold the end
 * of the line too, and refuses to load a unit with a longer one ("No buffer
 * space available"); checked with the real systemd-analyze.
 */
export const MAX_UNIT_LINE_BYTES = 1024 * 1024 - 1;

/** The longest command line `execLine` writes: a unit line, less room for the key (`ExecStartPre=-`). */
const MAX_EXEC_LINE_BYTES = MAX_UNIT_LINE_BYTES - 63;

const CONTROL_NAMES: Record<number, string> = {
  0x00: "a NUL byte",
  0x07: "a bell character",
  0x08: "a backspace",
  0x09: "a tab",
  0x0a: "a newline",
  0x0b: "a vertical tab",
  0x0c: "a form feed",
  0x0d: "a carriage return",
  0x1b: "an escape character",
  0x7f: "a delete character",
};

function hex(code: number): string {
  return "U+" + code.toString(16).toUpperCase().padStart(4, "0");
}

/** Why a code point cannot appear on a unit line at all, or undefined if it can. */
function unplaceable(code: number): string | undefined {
  if (code <= 0x1f || code === 0x7f) return `contains ${CONTROL_NAMES[code] ?? "a control character"} (${hex(code)})`;
  if (code >= 0xd800 && code <= 0xdfff) return `contains an unpaired UTF-16 surrogate (${hex(code)}; it has no UTF-8 form)`;
  if ((code >= 0xfdd0 && code <= 0xfdef) || (code & 0xfffe) === 0xfffe) {
    return `contains the Unicode noncharacter ${hex(code)} (systemd drops such lines as not UTF-8 clean)`;
  }
  return undefined;
}

/**
 * Why `exe` cannot be the executable of a command line, or undefined if it
 * can: see THE FIRST WORD IS SPECIAL above.
 */
export function executableProblem(exe: string): string | undefined {
  if (!exe.startsWith("/")) return `executable ${JSON.stringify(exe)} is not an absolute path (a leading - @ : + ! would be read as a prefix)`;
  if (exe.endsWith("/")) return `executable ${JSON.stringify(exe)} names a directory`;
  const unsafe = /["'\\$]/.exec(exe);
  if (unsafe) return `executable ${JSON.stringify(exe)} contains ${JSON.stringify(unsafe[0])}, which systemd does not allow (or expand) in an executable path`;
  return undefined;
}

/** Why `text` cannot appear anywhere on a unit line, or undefined if it can (step 1 above). */
export function lineProblem(text: string): string | undefined {
  // Printable ASCII is the common case and always fine: skip the walk over code points.
  if (/^[\x20-\x7e]*$/.test(text)) return undefined;
  for (const ch of text) {
    const bad = unplaceable(ch.codePointAt(0)!);
    if (bad !== undefined) return bad;
  }
  return undefined;
}

/** Words that stay as they are: none of the characters escaped, quoted or refused below. */
const BARE_WORD = /^[\w@+=:,./-]+$/;

/** Characters that make systemd's word splitter act (step 2): the word must be quoted. */
const NEEDS_QUOTES = /[\s"'\\]/u;

/**
 * One argv word as text for a systemd command line, or why it cannot be one.
 * Simple words (`--name`, `docker`, `127.0.0.1:80:80`) stay bare; `%` and `$`
 * are doubled wherever they are. Not for the executable: see the module
 * comment and `execLine`.
 */
export function quoteExecWord(word: string): QuoteResult {
  // Most words (flags, names, image references, ports) need nothing done: skip the walk over their characters.
  if (BARE_WORD.test(word)) return { ok: true, text: word };
  if (word.length < LONG_WORD) return quoteByCharacter(word);
  const known = quotedLongWords.get(word);
  if (known) return known;
  const quoted = quoteByCharacter(word);
  if (quotedLongWords.size < MAX_REMEMBERED) quotedLongWords.set(word, quoted);
  return quoted;
}

/**
 * Long words recur: the shell scripts of the readiness and image steps are
 * the same in every unit of a project, only their arguments differ. Each is
 * quoted once; the results depend on the word alone.
 */
const quotedLongWords = new Map<string, QuoteResult>();
const LONG_WORD = 64;
const MAX_REMEMBERED = 256;

function quoteByCharacter(word: string): QuoteResult {
  let body = "";
  let escaped = false;
  for (const ch of word) {
    const code = ch.codePointAt(0)!;
    const bad = unplaceable(code);
    if (bad !== undefined) return { ok: false, reason: bad };
    // What systemd takes as it is but cloud-init's YAML reader would break lines at or refuse (C1
    // controls, U+2028, U+2029, U+FEFF) goes as `\uXXXX`, which systemd's C unescaping turns back into
    // the character: the unit text itself stays plain for the cloud-config.
    if (!readableByCloudInit(ch)) {
      body += `\\u${code.toString(16).padStart(4, "0")}`;
      escaped = true;
      continue;
    }
    switch (ch) {
      case "%":
        body += "%%";
        break;
      case "$":
        body += "$$";
        break;
      case "\\":
        body += "\\\\";
        break;
      case '"':
        body += '\\"';
        break;
      default:
        body += ch;
    }
  }
  const quote = escaped || word === "" || word === ";" || NEEDS_QUOTES.test(word);
  return { ok: true, text: quote ? `"${body}"` : body };
}

/**
 * A whole command line: argv[0] is the executable, an absolute path; the
 * words are quoted and joined with single spaces. A prefix such as `-` may be
 * put in front of the result by the caller, on purpose.
 */
export function execLine(argv: string[]): QuoteResult {
  const [exe] = argv;
  if (exe === undefined) return { ok: false, reason: "has no executable" };
  const problem = executableProblem(exe);
  if (problem !== undefined) return { ok: false, reason: problem };
  const out: string[] = [];
  for (const [i, word] of argv.entries()) {
    const quoted = quoteExecWord(word);
    if (!quoted.ok) return { ok: false, reason: i === 0 ? `executable ${quoted.reason}` : `word ${i} (${JSON.stringify(word)}) ${quoted.reason}` };
    out.push(quoted.text);
  }
  const text = out.join(" ");
  if (new TextEncoder().encode(text).length > MAX_EXEC_LINE_BYTES) {
    return { ok: false, reason: `is longer than systemd's line limit of 1 MiB` };
  }
  return { ok: true, text };
}

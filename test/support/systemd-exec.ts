/**
 * A reference model, for tests only, of how systemd (checked against 252)
 * reads a command line such as the value of `ExecStart=`, written from its
 * documentation (man systemd.service "COMMAND LINES", man systemd.unit
 * "SPECIFIERS") and its parser (config_parse_exec, extract_first_word,
 * cunescape_one, replace_env_argv). exec-quote.systemd.test.ts checks this
 * model against the real systemd, so exec-quote.test.ts can use it to check
 * thousands of words quickly.
 *
 * Covered: word splitting, single and double quotes (also mid-word), C
 * escapes with systemd's "keep unknown escapes verbatim" fallback, the lone
 * `;` command separator and `\;`, executable prefixes, `%%`, and the
 * exec-time `$` expansion with a given environment. Anything outside that
 * (other specifiers, escapes that yield raw non-UTF-8 bytes) throws rather
 * than guess.
 */

const WHITESPACE = " \t\n\r";

export interface ParsedCommand {
  /** argv as systemd stores it after loading the unit: before `$` expansion. */
  readonly argv: string[];
  /** The executable as written after prefixes (argv[0] unless `@` was used). */
  readonly path: string;
  readonly prefixes: string;
}

export interface ParsedValue {
  readonly commands: ParsedCommand[];
  /** Words systemd warns about: "Ignoring unknown escape sequences: \"WORD\"". */
  readonly unknownEscapeWarnings: string[];
}

export class ParseError extends Error {}

const HEX = /^[0-9a-fA-F]$/;
const OCT = /^[0-7]$/;

/**
 * cunescape_one: the escape after a backslash at s[i]. Returns the text and
 * the number of characters consumed, or undefined if systemd calls it invalid.
 */
function cunescapeOne(s: string, i: number): { text: string; used: number } | undefined {
  const c = s[i];
  const simple: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\", '"': '"', "'": "'", s: " " };
  if (c === undefined) return undefined;
  if (c in simple) return { text: simple[c]!, used: 1 };
  const digits = (n: number, re: RegExp): string | undefined => {
    const d = s.slice(i + 1, i + 1 + n);
    return d.length === n && [...d].every((ch) => re.test(ch)) ? d : undefined;
  };
  const byte = (value: number, used: number) => {
    if (value >= 0x80) throw new ParseError(`escape ${s.slice(i - 1, i + used + 1)} yields a raw byte; not modelled`);
    return { text: String.fromCharCode(value), used };
  };
  if (c === "x") {
    const d = digits(2, HEX);
    if (d === undefined || Number.parseInt(d, 16) === 0) return undefined;
    return byte(Number.parseInt(d, 16), 3);
  }
  if (c === "u" || c === "U") {
    const n = c === "u" ? 4 : 8;
    const d = digits(n, HEX);
    if (d === undefined) return undefined;
    const cp = Number.parseInt(d, 16);
    if (cp === 0) return undefined;
    const invalid = cp >= 0x110000 || (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) === 0xfffe;
    if (c === "U" && invalid) return undefined;
    if (invalid) throw new ParseError(`escape \\u${d} yields text systemd cannot store cleanly; not modelled`);
    return { text: String.fromCodePoint(cp), used: n + 1 };
  }
  if (OCT.test(c)) {
    const d = s.slice(i, i + 3);
    if (d.length !== 3 || ![...d].every((ch) => OCT.test(ch))) return undefined;
    const value = Number.parseInt(d, 8);
    if (value === 0 || value > 255) return undefined;
    return byte(value, 3);
  }
  return undefined;
}

/**
 * extract_first_word(EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE), with
 * extract_first_word_and_warn's retry that keeps unknown escapes verbatim.
 * Returns the word and the position after it and its trailing separators.
 */
function extractWord(s: string, start: number, relax: boolean): { word: string; next: number } | undefined {
  let i = start;
  while (i < s.length && WHITESPACE.includes(s[i]!)) i++;
  if (i >= s.length) return undefined;
  let out = "";
  let quote: '"' | "'" | undefined;
  for (;;) {
    const c = s[i];
    if (c === undefined) {
      if (quote) throw new ParseError("unbalanced quoting");
      return { word: out, next: i };
    }
    if (c === "\\") {
      if (i + 1 >= s.length) {
        if (relax && !quote) return { word: out + "\\", next: i + 1 };
        throw new ParseError("trailing backslash");
      }
      const e = cunescapeOne(s, i + 1);
      if (e === undefined) {
        if (!relax) throw new ParseError("unknown escape");
        out += "\\" + s[i + 1]!;
        i += 2;
      } else {
        out += e.text;
        i += 1 + e.used;
      }
      continue;
    }
    if (quote) {
      if (c === quote) quote = undefined;
      else out += c;
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      i++;
      continue;
    }
    if (WHITESPACE.includes(c)) {
      while (i < s.length && WHITESPACE.includes(s[i]!)) i++;
      return { word: out, next: i };
    }
    out += c;
    i++;
  }
}

function extractWordAndWarn(s: string, start: number, warnings: string[]): { word: string; next: number } | undefined {
  try {
    return extractWord(s, start, false);
  } catch (e) {
    if (!(e instanceof ParseError) || !/unknown escape|trailing backslash/.test(e.message)) throw e;
    const r = extractWord(s, start, true);
    if (r) warnings.push(r.word);
    return r;
  }
}

/** unit_full_printf, for the one specifier we emit: `%%`. */
export function expandSpecifiers(word: string): string {
  let out = "";
  for (let i = 0; i < word.length; i++) {
    if (word[i] !== "%") {
      out += word[i];
      continue;
    }
    if (word[i + 1] !== "%") throw new ParseError(`specifier %${word[i + 1] ?? ""} is not modelled`);
    out += "%";
    i++;
  }
  return out;
}

/** config_parse_exec: the value of an Exec*= setting (after the `=`) as commands. */
export function parseExecValue(value: string): ParsedValue {
  const warnings: string[] = [];
  const commands: ParsedCommand[] = [];
  let p = 0;
  let s = value;
  // conf-parser strips whitespace around the value.
  while (s.length > 0 && WHITESPACE.includes(s[s.length - 1]!)) s = s.slice(0, -1);
  for (;;) {
    const first = extractWordAndWarn(s, p, warnings);
    if (!first) break;
    p = first.next;
    let f = first.word;
    let prefixes = "";
    for (;;) {
      const c = f[0];
      if (c === "-" && !prefixes.includes("-")) prefixes += c;
      else if (c === "@" && !prefixes.includes("@")) prefixes += c;
      else if (c === ":" && !prefixes.includes(":")) prefixes += c;
      else if (c === "+" && !/[+!]/.test(prefixes)) prefixes += c;
      else if (c === "!" && !prefixes.includes("+") && prefixes.split("!").length - 1 < 2) prefixes += c;
      else break;
      f = f.slice(1);
    }
    const path = expandSpecifiers(f);
    if (path === "") throw new ParseError("empty executable");
    const argv: string[] = prefixes.includes("@") ? [] : [path];
    let semicolon = false;
    while (p < s.length) {
      const rest = s.slice(p);
      if (rest[0] === ";" && (rest.length === 1 || WHITESPACE.includes(rest[1]!))) {
        p++;
        while (p < s.length && WHITESPACE.includes(s[p]!)) p++;
        semicolon = true;
        break;
      }
      if (rest[0] === "\\" && rest[1] === ";" && (rest.length === 2 || WHITESPACE.includes(rest[2]!))) {
        p += 2;
        while (p < s.length && WHITESPACE.includes(s[p]!)) p++;
        argv.push(";");
        continue;
      }
      const w = extractWordAndWarn(s, p, warnings);
      if (!w) break;
      p = w.next;
      argv.push(expandSpecifiers(w.word));
    }
    if (argv.length === 0) throw new ParseError("empty argv");
    commands.push({ argv, path, prefixes });
    if (!semicolon) break;
  }
  return { commands, unknownEscapeWarnings: warnings };
}

/** replace_env for one word: `${NAME}` anywhere, `$$` is `$`, any other `$` stays. */
function replaceEnv(word: string, env: ReadonlyMap<string, string>): string {
  let out = "";
  for (let i = 0; i < word.length; i++) {
    const c = word[i]!;
    if (c !== "$") {
      out += c;
      continue;
    }
    const n = word[i + 1];
    if (n === "$") {
      out += "$";
      i++;
    } else if (n === "{") {
      const end = word.indexOf("}", i + 2);
      // An unterminated ${ is kept as it is.
      if (end < 0) return out + word.slice(i);
      out += env.get(word.slice(i + 2, end)) ?? "";
      i = end;
    } else {
      out += "$";
    }
  }
  return out;
}

/**
 * replace_env_argv: what the program receives at exec time. `$NAME` as a
 * whole word becomes the variable split on whitespace (nothing if unset).
 */
export function expandEnvironment(argv: readonly string[], env: ReadonlyMap<string, string> = new Map()): string[] {
  const out: string[] = [];
  for (const word of argv) {
    if (word[0] === "$" && word[1] !== "{" && word[1] !== "$") {
      // Unset (or not a valid name, or a lone "$"): the word disappears.
      const value = env.get(word.slice(1));
      if (value === undefined) continue;
      if (/["'\\]/.test(value)) throw new ParseError(`splitting a variable holding quotes is not modelled`);
      out.push(...value.split(/[ \t\n\r]+/).filter((x) => x !== ""));
      continue;
    }
    out.push(replaceEnv(word, env));
  }
  return out;
}

/** The argv a program started from `ExecStart=<value>` receives (no environment, no `:` prefix). */
export function programArgv(value: string): string[][] {
  return parseExecValue(value).commands.map((c) => (c.prefixes.includes(":") ? c.argv : expandEnvironment(c.argv)));
}

/**
 * Parses one "Command Line: ..." text from `systemd --test` (exec_command_dump
 * -> quote_command_line(argv, SHELL_ESCAPE_EMPTY)): words joined by one space;
 * a word is bare when it has no whitespace, control or shell-special
 * character, else it is in double quotes with `\ " $ \`` backslash-escaped and
 * control characters C-escaped. Strict: anything else throws.
 */
export function parseDumpedCommandLine(text: string): string[] {
  const words: string[] = [];
  let i = 0;
  const named: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\", '"': '"', $: "$", "`": "`", "'": "'" };
  while (i < text.length) {
    let word = "";
    if (text[i] === '"') {
      i++;
      for (;;) {
        const c = text[i];
        if (c === undefined) throw new ParseError(`unterminated quote in dump: ${text}`);
        if (c === '"') {
          i++;
          break;
        }
        if (c === "\\") {
          const e = text[i + 1];
          if (e !== undefined && e in named) {
            word += named[e];
            i += 2;
          } else if (/^[0-3][0-7][0-7]$/.test(text.slice(i + 1, i + 4))) {
            const v = Number.parseInt(text.slice(i + 1, i + 4), 8);
            if (v >= 0x80) throw new ParseError(`dump shows a raw byte \\${text.slice(i + 1, i + 4)}: ${text}`);
            word += String.fromCharCode(v);
            i += 4;
          } else throw new ParseError(`unexpected escape in dump at ${i}: ${text}`);
          continue;
        }
        word += c;
        i++;
      }
    } else {
      while (i < text.length && text[i] !== " ") {
        if (text[i] === '"' || text[i] === "\\") throw new ParseError(`quote or backslash in a bare dumped word: ${text}`);
        word += text[i];
        i++;
      }
      if (word === "") throw new ParseError(`empty bare word in dump: ${JSON.stringify(text)}`);
    }
    words.push(word);
    if (i < text.length) {
      if (text[i] !== " ") throw new ParseError(`expected a space at ${i} in dump: ${text}`);
      i++;
      if (i === text.length) throw new ParseError(`trailing space in dump: ${text}`);
    }
  }
  return words;
}

/** mulberry32: a small seeded PRNG, so generated cases are the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Characters for generated words, weighted towards what systemd acts on:
 * quotes, backslashes (and letters that make C escapes after one: \n \t \x
 * \u \s \0), `%` and `$` with braces, `;`, the executable prefixes, shell
 * specials, and Unicode (multi-byte, astral, non-ASCII whitespace, BOM, C1).
 */
export const WORD_ALPHABET: readonly string[] = [
  ..." \"\"''\\\\\\%%%$$${};;;-@:+!!#=*?[]`&|<>()~,",
  ..."antxusb0179Fe/.",
  "é",
  "€",
  "😀",
  "\u00a0",
  "\u2028",
  "\ufeff",
  "\u0085",
  "\ufdf0",
  "\u{10fffd}",
  "中",
];

/** Whole words worth having often: separators, specifiers, variables. */
const SPECIAL_WORDS = [";", "\\;", "%", "%%", "%n", "%i", "$", "$$", "$FOO", "${FOO}", "$$FOO", "\\", "\\\\", '"', "'", "", " ", "-", "@", ":", "+", "!", "!!"];

export function randomWord(rand: () => number): string {
  if (rand() < 0.1) return SPECIAL_WORDS[Math.floor(rand() * SPECIAL_WORDS.length)]!;
  const length = Math.floor(rand() * 13);
  let word = "";
  for (let i = 0; i < length; i++) word += WORD_ALPHABET[Math.floor(rand() * WORD_ALPHABET.length)]!;
  return word;
}

/** Hand-picked words every test of the quoter should carry. */
export const EXAMPLE_WORDS: readonly string[] = [
  "docker",
  "--name",
  "-p",
  "127.0.0.1:80:80",
  "%",
  "%n",
  "%%",
  "a%b",
  "$",
  "${FOO}",
  "$FOO",
  "$$",
  "a$b",
  "$1",
  "it's",
  '"',
  'say "hi"',
  "'single'",
  "\\",
  "a\\",
  "a\\\\",
  "\\n",
  "\\t",
  "\\x41",
  "\\u00e9",
  "\\;",
  "C:\\path",
  "two words",
  " lead",
  "trail ",
  "  ",
  "",
  ";",
  "a;b",
  ";a",
  "a;",
  ";;",
  "-x",
  "@y",
  ":z",
  "+w",
  "!v",
  "!!",
  "é",
  "日本語",
  "😀",
  "a\u00a0b",
  "#hash",
  "=eq",
  "*?[]",
  "`tick`",
  "a|b&c>d<e",
  "(x)",
  "~",
  "--label=com.example.description=Accounting webapp",
  "sh -c 'echo $HOME'",
  "%%n is 100%",
];

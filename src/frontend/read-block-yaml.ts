import type { SourceLocation } from "../diagnostics.js";
import { LIMITS } from "./limits.js";
import type { SourceFile } from "./parse-yaml.js";
import { inObjectOrder, type Tree, type TreeScalar } from "./tree.js";

/**
 * A reader for the plain block-style YAML that nearly every compose file is
 * written in: block mappings and sequences, one-line scalars, literal and
 * folded block scalars, one-line flow collections of scalars, comments.
 *
 * The yaml package reads any YAML, but through a token stream, a concrete
 * syntax tree and a document model before our tree is built; for a project
 * of a thousand services that was most of the compile time. This reader goes
 * from text to tree in one pass. It declines (returns undefined) at the first
 * sight of anything outside its subset (anchors, aliases, tags, multi-line
 * plain or quoted scalars, nested flow collections, tabs, duplicate keys, any
 * error), and parseYamlTree then reads the file with the yaml package, which
 * also reports the errors. Where it accepts, its tree equals the yaml
 * package's, positions included (test/read-block-yaml.test.ts compares them
 * on generated and real files).
 */
export function readBlockYaml(file: SourceFile): Tree | undefined {
  if (OUTSIDE_SUBSET_CHARACTERS.test(file.content)) return undefined;
  try {
    return new BlockReader(file).document();
  } catch (e) {
    if (e === DECLINE) return undefined;
    throw e;
  }
}

/** Tabs, carriage returns, control characters, byte-order marks and Unicode line separators: left to the yaml package. */
const OUTSIDE_SUBSET_CHARACTERS = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/;

const DECLINE = Symbol("outside the block subset");

/** A `<<` key, quoted or not, is a merge key to the yaml package (which checks its value): left to it. */
const MERGE_KEY = "<<";

function decline(): never {
  throw DECLINE;
}

const SPACE = 0x20;
const HASH = 0x23;
const DASH = 0x2d;
const COLON = 0x3a;
const SINGLE_QUOTE = 0x27;
const DOUBLE_QUOTE = 0x22;

/** Characters a plain scalar cannot start with (`-`, `?` and `:` can, when a non-space follows). */
const NOT_PLAIN_START = new Set("[]{},#&*!|>'\"%@`");
/** Characters that end a plain scalar inside a flow collection. */
const FLOW_INDICATORS = new Set(",[]{}");

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

class BlockReader {
  private readonly lines: string[];
  /** The line being read. */
  private row = 0;
  /** Collections open around the one being read: past the limit the yaml package reads the file and reports it. */
  private depth = 0;

  constructor(private readonly file: SourceFile) {
    this.lines = file.content.split("\n");
    // A final line break ends the last line rather than starting another.
    if (this.lines[this.lines.length - 1] === "") this.lines.pop();
  }

  document(): Tree {
    this.row = this.nextContent(0, true);
    if (this.row < this.lines.length && isMarker(this.lines[this.row]!, "---")) {
      if (!isBlankOrComment(this.lines[this.row]!, 3)) decline();
      this.row = this.nextContent(this.row + 1);
    }
    if (this.row >= this.lines.length || indentOf(this.lines[this.row]!) !== 0) decline();
    const root = this.mapping(0);
    if (this.row < this.lines.length) decline();
    return root;
  }

  /** The first line from `from` that is neither blank nor only a comment; a document marker past the start declines. */
  private nextContent(from: number, atStart = false): number {
    const lines = this.lines;
    for (let j = from; j < lines.length; j++) {
      const line = lines[j]!;
      const k = indentOf(line);
      if (k === line.length || line.charCodeAt(k) === HASH) continue;
      if (k === 0 && !atStart && (isMarker(line, "---") || isMarker(line, "..."))) decline();
      if (k === 0 && line.charCodeAt(0) === 0x25 /* % directive */) decline();
      return j;
    }
    return lines.length;
  }

  private at(row: number, column: number): SourceLocation {
    return { file: this.file.path, line: row + 1, column: column + 1 };
  }

  /** A block mapping whose first key starts at `column` of the current line (mid-line after `- `). */
  private mapping(column: number): Tree {
    if (++this.depth > LIMITS.nestingDepth) decline();
    const entries = new Map<string, Tree>();
    const keys = new Set<unknown>();
    const at = this.at(this.row, column);
    for (;;) {
      const line = this.lines[this.row]!;
      const colon = keyEnd(line, column);
      if (colon < 0) decline();
      const key = this.key(line, column, colon);
      if (keys.has(key.value) || key.value === MERGE_KEY) decline();
      keys.add(key.value);
      const keyAt = this.at(this.row, column);
      const value = this.valueAfterIndicator(line, colon + 1, column) as Mutable<Tree>;
      value.keyAt = keyAt;
      if (key.text !== "__proto__") entries.set(key.text, value);
      if (this.row >= this.lines.length) break;
      const next = this.lines[this.row]!;
      const indent = indentOf(next);
      if (indent < column) break;
      if (indent > column || isSequenceEntry(next, indent)) decline();
    }
    this.depth--;
    return { kind: "map", entries: inObjectOrder(entries), at };
  }

  /** A block sequence whose first `-` is at `column` of the current line. */
  private sequence(column: number): Tree {
    if (++this.depth > LIMITS.nestingDepth) decline();
    const items: Tree[] = [];
    const node: Tree = { kind: "seq", items, at: this.at(this.row, column) };
    for (;;) {
      const line = this.lines[this.row]!;
      items.push(this.valueAfterIndicator(line, column + 1, column));
      if (this.row >= this.lines.length) break;
      const next = this.lines[this.row]!;
      const indent = indentOf(next);
      if (indent < column || (indent === column && !isSequenceEntry(next, indent))) break;
      if (indent > column) decline();
    }
    this.depth--;
    return node;
  }

  /**
   * The value after a key's `:` or an entry's `-` at `from` of the current
   * line, which belongs to a node at `owner`: on the same line, or below it
   * and indented further. Leaves `row` at the first line after the value.
   */
  private valueAfterIndicator(line: string, from: number, owner: number): Tree {
    let start = from;
    while (line.charCodeAt(start) === SPACE) start++;
    if (start === line.length || line.charCodeAt(start) === HASH) return this.valueBelow(start, owner);
    const c = line.charCodeAt(start);
    if (c === 0x7c /* | */ || c === 0x3e /* > */) return this.blockScalar(line, start, owner);
    // A flow collection, even one holding `a: b`; a flow collection as a key (`[a]: b`) is declined by inlineValue.
    if (c === 0x5b /* [ */ || c === 0x7b /* { */) return this.inlineValueLine(line, start, owner);
    if (isSequenceEntry(line, start)) {
      // `- - x`: a sequence in a sequence entry; `key: - x` is an error.
      if (line.charCodeAt(from - 1) !== DASH || from - 1 !== owner) decline();
      return this.sequence(start);
    }
    if (keyEnd(line, start) >= 0) {
      if (line.charCodeAt(from - 1) !== DASH || from - 1 !== owner) decline();
      return this.mapping(start);
    }
    return this.inlineValueLine(line, start, owner);
  }

  /** inlineValue, then on to the next line, which must not continue the value. */
  private inlineValueLine(line: string, start: number, owner: number): Tree {
    const value = this.inlineValue(line, start);
    this.row = this.nextContent(this.row + 1);
    if (this.row < this.lines.length && indentOf(this.lines[this.row]!) > owner) decline();
    return value;
  }

  /** `key:` or `-` with nothing after it on the line: a node indented below, or null. */
  private valueBelow(emptyAt: number, owner: number): Tree {
    const here = this.row;
    const next = this.nextContent(here + 1);
    if (next < this.lines.length) {
      const line = this.lines[next]!;
      const indent = indentOf(line);
      const isKey = this.lines[here]!.charCodeAt(owner) !== DASH || !isSequenceEntry(this.lines[here]!, owner);
      if (indent > owner || (indent === owner && isKey && isSequenceEntry(line, indent))) {
        this.row = next;
        return isSequenceEntry(line, indent) ? this.sequence(indent) : this.mapping(indent);
      }
    }
    this.row = next;
    return { kind: "scalar", value: null, at: this.at(here, emptyAt) };
  }

  /** A scalar or a one-line flow collection at `start`, with nothing but a comment after it. */
  private inlineValue(line: string, start: number): Tree {
    const c = line.charCodeAt(start);
    let end: number;
    let node: Tree;
    if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      ({ node, end } = this.flowCollection(line, start));
    } else if (c === SINGLE_QUOTE || c === DOUBLE_QUOTE) {
      const q = quoted(line, start);
      node = { kind: "scalar", value: q.value, at: this.at(this.row, start) };
      end = q.end;
    } else {
      end = plainEnd(line, start);
      const text = line.slice(start, end);
      if (!isPlainStart(line, start) || text.includes(": ") || text.endsWith(":")) decline();
      node = { kind: "scalar", value: plainValue(text), at: this.at(this.row, start) };
    }
    if (!isBlankOrComment(line, end)) decline();
    return node;
  }

  private key(line: string, start: number, colon: number): { value: unknown; text: string } {
    const c = line.charCodeAt(start);
    if (c === SINGLE_QUOTE || c === DOUBLE_QUOTE) {
      const q = quoted(line, start);
      if (q.end !== colon) decline();
      return { value: q.value, text: q.value };
    }
    const text = line.slice(start, colon);
    // The yaml package limits implicit keys to 1024 characters; spaces before the `:` are left to it too.
    if (!isPlainStart(line, start) || text.length > 1000 || text.charCodeAt(text.length - 1) === SPACE) decline();
    const value = resolvePlain(text);
    return { value, text: value === null ? "null" : String(value) };
  }

  /** `[a, "b"]`, `{}` or `{ a: 1 }` on one line; nested collections are declined. */
  private flowCollection(line: string, open: number): { node: Tree; end: number } {
    const isMap = line.charCodeAt(open) === 0x7b;
    const close = isMap ? 0x7d : 0x5d;
    const items: Tree[] = [];
    const entries = new Map<string, Tree>();
    const keys = new Set<unknown>();
    let i = skipSpaces(line, open + 1);
    while (line.charCodeAt(i) !== close) {
      if (isMap) {
        const keyStart = i;
        const key = this.flowScalar(line, i);
        if (line.charCodeAt(key.end) !== COLON || line.charCodeAt(key.end + 1) !== SPACE) decline();
        // Keys are named by their YAML value, without the octal reading values get.
        const keyValue = key.quoted ? key.value : resolvePlain(line.slice(keyStart, key.end));
        const text = keyValue === null ? "null" : String(keyValue);
        if (keys.has(keyValue) || keyValue === MERGE_KEY) decline();
        keys.add(keyValue);
        const valueStart = skipSpaces(line, key.end + 1);
        const value = this.flowScalar(line, valueStart);
        const child: Mutable<Tree> = { kind: "scalar", value: value.value, at: this.at(this.row, valueStart) };
        child.keyAt = this.at(this.row, keyStart);
        if (text !== "__proto__") entries.set(text, child);
        i = value.end;
      } else {
        const item = this.flowScalar(line, i);
        items.push({ kind: "scalar", value: item.value, at: this.at(this.row, i) });
        i = item.end;
      }
      i = skipSpaces(line, i);
      if (line.charCodeAt(i) === 0x2c /* , */) i = skipSpaces(line, i + 1);
      else if (line.charCodeAt(i) !== close) decline();
    }
    const at = this.at(this.row, open);
    const node: Tree = isMap ? { kind: "map", entries: inObjectOrder(entries), at } : { kind: "seq", items, at };
    return { node, end: i + 1 };
  }

  /** A scalar inside a flow collection, with its value as a block value would have it (octal permissions included). */
  private flowScalar(line: string, start: number): { value: TreeScalar["value"]; end: number; quoted: boolean } {
    const c = line.charCodeAt(start);
    if (c === SINGLE_QUOTE || c === DOUBLE_QUOTE) {
      const q = quoted(line, start);
      return { value: q.value, end: q.end, quoted: true };
    }
    let end = start;
    while (end < line.length) {
      const ch = line[end]!;
      if (FLOW_INDICATORS.has(ch) || ch === ":" || (ch === "#" && line.charCodeAt(end - 1) === SPACE)) break;
      end++;
    }
    while (end > start && line.charCodeAt(end - 1) === SPACE) end--;
    // Inside a flow collection, `-`, `?` or `:` starts a plain scalar only before a character that is safe there.
    if (end === start || !isPlainStart(line, start) || (end === start + 1 && "-?:".includes(line[start]!))) decline();
    const text = line.slice(start, end);
    return { value: plainValue(text), end, quoted: false };
  }

  /** `|` or `>`, with `-` (strip) or no (clip) chomping; keeping (`+`) and indentation indicators are declined. */
  private blockScalar(line: string, start: number, owner: number): Tree {
    const folded = line.charCodeAt(start) === 0x3e;
    let i = start + 1;
    const strip = line.charCodeAt(i) === DASH;
    if (strip) i++;
    if (!isBlankOrComment(line, i) || (i < line.length && line.charCodeAt(i) !== SPACE)) decline();
    const at = this.at(this.row, start);
    const lines = this.lines;
    let indent = -1;
    let leadingEmpty = 0;
    let maxLeadingEmpty = 0;
    const content: string[] = [];
    /** Empty lines before each content line, for folding. */
    const gaps: number[] = [];
    let pendingEmpty = 0;
    let j = this.row + 1;
    for (; j < lines.length; j++) {
      const text = lines[j]!;
      const k = indentOf(text);
      if (k === text.length) {
        if (indent >= 0 && k > indent) decline();
        if (indent < 0) {
          leadingEmpty++;
          maxLeadingEmpty = Math.max(maxLeadingEmpty, k);
        } else pendingEmpty++;
        continue;
      }
      if (indent < 0) {
        if (k <= owner || maxLeadingEmpty > k) decline();
        indent = k;
      }
      if (k < indent) break;
      if (folded && k > indent) decline();
      content.push(text.slice(indent));
      gaps.push(pendingEmpty);
      pendingEmpty = 0;
    }
    if (content.length === 0) decline();
    let value = "\n".repeat(leadingEmpty);
    for (let n = 0; n < content.length; n++) {
      if (n > 0) value += folded ? (gaps[n] === 0 ? " " : "\n".repeat(gaps[n]!)) : "\n".repeat(gaps[n]! + 1);
      value += content[n];
    }
    // Clipping keeps one line break, even at the end of a file without one (as the yaml package reads it).
    if (!strip) value += "\n";
    this.row = this.nextContent(j);
    if (this.row < lines.length && indentOf(lines[this.row]!) > owner) decline();
    return { kind: "scalar", value, at };
  }
}

function indentOf(line: string): number {
  let k = 0;
  while (line.charCodeAt(k) === SPACE) k++;
  return k;
}

function skipSpaces(line: string, from: number): number {
  while (line.charCodeAt(from) === SPACE) from++;
  return from;
}

function isBlankOrComment(line: string, from: number): boolean {
  const k = skipSpaces(line, from);
  return k === line.length || (line.charCodeAt(k) === HASH && (k > from || k === 0 || line.charCodeAt(k - 1) === SPACE));
}

function isMarker(line: string, marker: string): boolean {
  return line.startsWith(marker) && (line.length === 3 || line.charCodeAt(3) === SPACE);
}

function isSequenceEntry(line: string, at: number): boolean {
  return line.charCodeAt(at) === DASH && (at + 1 === line.length || line.charCodeAt(at + 1) === SPACE);
}

function isPlainStart(line: string, at: number): boolean {
  const ch = line[at]!;
  if (NOT_PLAIN_START.has(ch)) return false;
  if (ch === "-" || ch === "?" || ch === ":") {
    const next = line.charCodeAt(at + 1);
    return at + 1 < line.length && next !== SPACE;
  }
  return true;
}

/**
 * Where the `:` ending a key starting at `start` is, or -1 when the line
 * holds no key there. A quoted key ends at its closing quote; a quote left
 * open on the line declines (it continues on the next).
 */
function keyEnd(line: string, start: number): number {
  const c = line.charCodeAt(start);
  if (c === SINGLE_QUOTE || c === DOUBLE_QUOTE) {
    const { end } = quoted(line, start);
    return line.charCodeAt(end) === COLON && (end + 1 === line.length || line.charCodeAt(end + 1) === SPACE) ? end : -1;
  }
  for (let k = start; k < line.length; k++) {
    const ch = line.charCodeAt(k);
    if (ch === COLON && (k + 1 === line.length || line.charCodeAt(k + 1) === SPACE)) return k;
    if (ch === HASH && k > start && line.charCodeAt(k - 1) === SPACE) return -1;
  }
  return -1;
}

/** Where a plain scalar starting at `start` ends: before a comment or the line's trailing spaces. */
function plainEnd(line: string, start: number): number {
  let end = line.length;
  for (let k = start + 1; k < line.length; k++) {
    if (line.charCodeAt(k) === HASH && line.charCodeAt(k - 1) === SPACE) {
      end = k;
      break;
    }
  }
  while (end > start && line.charCodeAt(end - 1) === SPACE) end--;
  return end;
}

const ESCAPES: Record<string, string> = {
  "0": "\0",
  a: "\x07",
  b: "\b",
  e: "\x1b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  N: "\u0085",
  _: "\u00a0",
  L: "\u2028",
  P: "\u2029",
  " ": " ",
  '"': '"',
  "/": "/",
  "\\": "\\",
};
const HEX_DIGITS: Record<string, number> = { x: 2, u: 4, U: 8 };

/** A quoted scalar closed on the same line: its value and the index just past the closing quote. */
function quoted(line: string, start: number): { value: string; end: number } {
  if (line.charCodeAt(start) === SINGLE_QUOTE) {
    let value = "";
    let from = start + 1;
    for (;;) {
      const close = line.indexOf("'", from);
      if (close < 0) decline();
      value += line.slice(from, close);
      if (line.charCodeAt(close + 1) !== SINGLE_QUOTE) return { value, end: close + 1 };
      value += "'";
      from = close + 2;
    }
  }
  let value = "";
  let from = start + 1;
  for (;;) {
    let k = from;
    while (k < line.length && line.charCodeAt(k) !== DOUBLE_QUOTE && line.charCodeAt(k) !== 0x5c) k++;
    if (k >= line.length) decline();
    value += line.slice(from, k);
    if (line.charCodeAt(k) === DOUBLE_QUOTE) return { value, end: k + 1 };
    const e = line[k + 1];
    if (e === undefined) decline();
    const simple = ESCAPES[e];
    if (simple !== undefined) {
      value += simple;
      from = k + 2;
      continue;
    }
    const digits = HEX_DIGITS[e];
    if (digits === undefined) decline();
    const hex = line.slice(k + 2, k + 2 + digits);
    if (hex.length !== digits || !/^[0-9a-fA-F]+$/.test(hex)) decline();
    const code = Number.parseInt(hex, 16);
    if (code > 0x10ffff) decline();
    value += String.fromCodePoint(code);
    from = k + 2 + digits;
  }
}

const NULL = /^(?:~|[Nn]ull|NULL)$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const OCTAL = /^0o[0-7]+$/;
const DECIMAL = /^[-+]?[0-9]+$/;
const HEX = /^0x[0-9a-fA-F]+$/;
const INFINITY_OR_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const EXPONENT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
/** What can start a non-string plain scalar in YAML 1.2's core schema. */
const MAYBE_NOT_STRING = /^[-+.~0-9nNtTfF]/;

/** A plain scalar's value under YAML 1.2's core schema, as the yaml package resolves it. */
function resolvePlain(text: string): TreeScalar["value"] {
  if (!MAYBE_NOT_STRING.test(text)) return text;
  if (NULL.test(text)) return null;
  if (BOOL.test(text)) return text[0] === "t" || text[0] === "T";
  if (OCTAL.test(text)) return Number.parseInt(text.slice(2), 8);
  if (DECIMAL.test(text)) return Number.parseInt(text, 10);
  if (HEX.test(text)) return Number.parseInt(text.slice(2), 16);
  if (INFINITY_OR_NAN.test(text)) return text.slice(-3).toLowerCase() === "nan" ? Number.NaN : text[0] === "-" ? -Infinity : Infinity;
  if (EXPONENT.test(text) || FLOAT.test(text)) return Number.parseFloat(text);
  return text;
}

/** A plain value: compose files write permission bits the YAML 1.1 way (`mode: 0440`), which docker compose reads as octal. */
function plainValue(text: string): TreeScalar["value"] {
  const value = resolvePlain(text);
  return typeof value === "number" && /^0[0-7]+$/.test(text) ? Number.parseInt(text, 8) : value;
}

import { stringify } from "yaml";

/** How the cloud-config is written: block style, literal block scalars, no line folding. */
export const CLOUD_CONFIG_YAML_OPTIONS = { lineWidth: 0, blockQuote: "literal", defaultStringType: "PLAIN", indentSeq: true } as const;

/** Top-level lists whose items are mostly our own simple entries. */
const LISTS = new Set(["packages", "write_files", "runcmd"]);

/**
 * The cloud-config body as YAML, byte for byte what the yaml package's
 * `stringify` writes with CLOUD_CONFIG_YAML_OPTIONS. Its bulk is our own
 * fixed shape (flat mappings of file paths, modes and file contents; lists
 * of words), which the yaml package writes slowly: thousands of entries take
 * seconds. Those are written here directly, under rules narrow enough that
 * the yaml package would write the same text. Everything else (the user's
 * host settings, any entry outside those rules) is written by the yaml
 * package itself, in the same place of the document, and spliced in.
 */
export function cloudConfigYaml(document: Readonly<Record<string, unknown>>): string {
  const entries = Object.entries(document);
  if (entries.length === 0 || !plainTree(document)) return viaYaml(document, 0);
  let out = "";
  for (const [key, value] of entries) {
    if (LISTS.has(key) && Array.isArray(value) && value.length > 0) {
      out += `${key}:\n${list(value, [key])}`;
    } else if (key === "coreos" && isPlainObject(value) && Object.keys(value).length > 0) {
      out += "coreos:\n";
      for (const [k, v] of Object.entries(value)) {
        out += k === "units" && Array.isArray(v) && v.length > 0 ? `  units:\n${list(v, ["coreos", "units"])}` : viaYaml({ coreos: { [k]: v } }, 1);
      }
    } else {
      out += viaYaml({ [key]: value }, 0);
    }
  }
  return out;
}

/** The items of a block sequence nested under the mapping keys `path`. */
function list(items: readonly unknown[], path: readonly string[]): string {
  const indent = "  ".repeat(path.length);
  let out = "";
  for (const item of items) out += fastItem(item, indent) ?? viaYaml(nested(path, [item]), path.length);
  return out;
}

/** One sequence item written directly, or undefined when it is not of the simple kinds handled here. */
function fastItem(item: unknown, indent: string): string | undefined {
  if (typeof item === "string") {
    const text = inlineScalar(item);
    return text === undefined ? undefined : `${indent}- ${text}\n`;
  }
  if (Array.isArray(item)) {
    if (item.length === 0) return undefined;
    let out = "";
    for (let i = 0; i < item.length; i++) {
      const word = item[i];
      const text = typeof word === "string" ? inlineScalar(word) : undefined;
      if (text === undefined) return undefined;
      out += i === 0 ? `${indent}- - ${text}\n` : `${indent}  - ${text}\n`;
    }
    return out;
  }
  if (!isPlainObject(item)) return undefined;
  const pairIndent = indent + "  ";
  let out = "";
  let first = true;
  for (const key in item) {
    const value = item[key];
    if (!SIMPLE_KEY.test(key) || RESERVED_WORD.test(key)) return undefined;
    let text: string | undefined;
    if (typeof value === "boolean") text = String(value);
    else if (typeof value === "string") text = value.includes("\n") ? literalBlock(value, pairIndent + "  ") : inlineScalar(value);
    if (text === undefined) return undefined;
    out += `${first ? `${indent}- ` : pairIndent}${key}: ${text}\n`;
    first = false;
  }
  return first ? undefined : out;
}

const SIMPLE_KEY = /^[a-z_]+$/;
/** Words YAML's core schema reads as null or booleans: written plain, they would not come back as strings. */
const RESERVED_WORD = /^(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$/;
/** Plain text that YAML reads back as the same string: no indicator first, no `: ` or ` #`, not a number. */
const PLAIN_TEXT = /^(?:[A-Za-z/_]|-+[A-Za-z])[\w/.@+=,-]*(?::[\w/.@+=,-]+)*$/;
const DIGITS = /^[0-9]+$/;
/** Characters the yaml package writes only inside double quotes, with escapes. */
const NEEDS_ESCAPES = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;

/** A one-line string as a mapping value or sequence item. */
function inlineScalar(value: string): string | undefined {
  if (PLAIN_TEXT.test(value) && !RESERVED_WORD.test(value)) return value;
  // File modes ("0644") would read back as numbers: double-quoted, the yaml package's choice.
  if (DIGITS.test(value)) return `"${value}"`;
  return undefined;
}

/**
 * A multi-line string as a literal block scalar (`|`), its lines indented by
 * `indent`, for the common shape: ending in exactly one newline after a
 * non-blank character, starting with neither a space nor a newline.
 */
function literalBlock(value: string, indent: string): string | undefined {
  const last = value.length - 1;
  if (last < 1 || value[last] !== "\n") return undefined;
  const beforeLast = value[last - 1];
  if (beforeLast === "\n" || beforeLast === " " || beforeLast === "\t") return undefined;
  if (value[0] === " " || value[0] === "\n") return undefined;
  if (NEEDS_ESCAPES.test(value)) return undefined;
  return `|\n${indent}${value.slice(0, last).replace(/\n+/g, `$&${indent}`)}`;
}

/** `value` under the mapping keys `path`: {a: {b: value}}. */
function nested(path: readonly string[], value: unknown): unknown {
  let out = value;
  for (let i = path.length - 1; i >= 0; i--) out = { [path[i]!]: out };
  return out;
}

/** The yaml package's text for `value`, without its first `skipLines` lines (the keys `nested` added). */
function viaYaml(value: unknown, skipLines: number): string {
  let text = stringify(value, CLOUD_CONFIG_YAML_OPTIONS);
  for (let i = 0; i < skipLines; i++) text = text.slice(text.indexOf("\n") + 1);
  return text;
}

/**
 * Whether `value` is plain data with no object in two places. The yaml
 * package writes a repeated object once with an anchor and then as an
 * alias, and skips undefined values: a document like that is left to it whole.
 */
function plainTree(value: unknown, seen = new Set<object>()): boolean {
  if (value === null || typeof value === "string" || typeof value === "boolean" || typeof value === "number") return true;
  if (typeof value !== "object") return false;
  if (seen.has(value)) return false;
  seen.add(value);
  if (Array.isArray(value)) return value.every((v) => plainTree(v, seen));
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value).every((v) => plainTree(v, seen));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

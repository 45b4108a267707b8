import { Document, Scalar, visit, type Tags } from "yaml";

/**
 * Characters cloud-init's YAML reader (PyYAML, YAML 1.1) does not keep as
 * they are: U+0085, U+2028 and U+2029 break lines there, C0 controls other
 * than tab and newline, DEL, C1 controls, U+FFFE/U+FFFF and lone surrogates
 * are refused, CR is a line break, and U+FEFF is a byte order mark. Text
 * without them reaches cloud-init as the characters it holds.
 */
const UNREADABLE = /[^\t\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]|[\u2028\u2029\ufeff]/u;

/** Whether `text` can be written into the cloud-config as it is and read back the same by cloud-init. */
export function readableByCloudInit(text: string): boolean {
  return !UNREADABLE.test(text);
}

/** The first character of `text` that cloud-init would not read back as it is, as U+XXXX. */
export function firstUnreadable(text: string): string | undefined {
  const found = UNREADABLE.exec(text);
  return found ? `U+${found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}` : undefined;
}

/**
 * Strings written plain (words joined by single spaces or colons): YAML
 * reads them back as strings whichever version
 * its reader follows (no indicator first, no `: ` or ` #`, no number, date,
 * boolean or null shape in YAML 1.1 or 1.2, which the yaml package's 1.1
 * schema quotes on its own). Every other one-line string is double-quoted,
 * where the yaml package escapes what needs escaping.
 */
const PLAIN = /^(?:[A-Za-z/_]|-+[A-Za-z])[\w/.@+=,-]*(?:[: ][\w/.@+=,-]+)*$/;

/**
 * The yaml package's 1.1 schema writes the string `<<` as a merge key,
 * unquoted whatever style the node asks for; PyYAML then refuses the
 * document. Without the tag, `<<` is a string like any other, and quoted.
 */
const withoutMergeKeys = (tags: Tags) => tags.filter((t) => t !== "merge" && (typeof t === "string" || t.tag !== "tag:yaml.org,2002:merge"));

/**
 * Whether a literal block (`|`) carries `text` unchanged to PyYAML: a line
 * of only blanks, or blanks at the very start, take part in working out the
 * block's indentation there and can come back shorter. Such text (rare in
 * files: unit files, env files and scripts have none) is double-quoted.
 */
function literalBlockKeeps(text: string): boolean {
  return !/^[ \t]|(?:^|\n)[ \t]+(?:\n|$)/.test(text);
}

/**
 * How the cloud-config is written: block style, no line folding, sequences
 * indented under their key, double-quoted strings on one line with JSON's
 * escapes (the yaml package folds long ones over lines otherwise, and then
 * writes a blank that starts a line as an escaped backslash and a blank, which
 * PyYAML reads as both).
 */
const TO_STRING = { lineWidth: 0, indentSeq: true, doubleQuotedAsJSON: true } as const;

/**
 * The cloud-config body as YAML for cloud-init's reader, written by the
 * yaml package under its YAML 1.1 schema (so `on`, `yes`, `0644`, `12:30`
 * are quoted, as PyYAML would read them as booleans and numbers plain),
 * with multi-line strings as literal blocks (or double-quoted, see
 * literalBlockKeeps) and every other string plain
 * only when it cannot be read as anything else. The caller encodes or
 * refuses text cloud-init cannot read back (`readableByCloudInit`); a string
 * here that holds such a character is a bug, not an input error.
 */
export function cloudConfigYaml(document: Readonly<Record<string, unknown>>): string {
  const doc = new Document(document, { version: "1.1", aliasDuplicateObjects: false, customTags: withoutMergeKeys });
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value !== "string") return;
      if (!readableByCloudInit(node.value)) throw new Error(`cloud-config string with ${firstUnreadable(node.value)} reached the writer`);
      if (node.value.includes("\n") && literalBlockKeeps(node.value)) node.type = Scalar.BLOCK_LITERAL;
      else if (!PLAIN.test(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  const text = doc.toString(TO_STRING);
  if (!readableByCloudInit(text)) throw new Error(`the cloud-config writer produced ${firstUnreadable(text)}`);
  return text;
}

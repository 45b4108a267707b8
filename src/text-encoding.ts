/**
 * Input text travels as JavaScript strings (the library's `files` and
 * `readFile` hand them over as such). A decoder that replaced bytes that are
 * not UTF-8 with U+FFFD would change a value without a word; this one keeps
 * each such byte as a lone surrogate, U+DC80 to U+DCFF (the "surrogate
 * escape" Python uses for file names), which no well-formed string holds,
 * so the front end finds it and reports where it is.
 */

const fatal = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** UTF-8 bytes as text; a byte that is not part of a valid sequence becomes U+DC00 + byte. */
export function decodeUtf8(bytes: Uint8Array): string {
  // Nearly every file is valid: the native decoder reads it, and only a file it refuses is walked byte by byte.
  try {
    return fatal.decode(bytes);
  } catch {
    // Found below.
  }
  let out = "";
  let from = 0;
  for (;;) {
    const bad = firstInvalidByte(bytes, from);
    if (bad < 0) return out + fatal.decode(bytes.subarray(from));
    out += fatal.decode(bytes.subarray(from, bad)) + String.fromCharCode(0xdc00 + bytes[bad]!);
    from = bad + 1;
  }
}

/** The index of the first byte at or after `from` that starts no valid UTF-8 sequence, or -1. */
function firstInvalidByte(bytes: Uint8Array, from: number): number {
  let i = from;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const length = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    const second = bytes[i + 1]!;
    // The second byte's range also rules out overlong forms, UTF-16 surrogates and code points over U+10FFFF.
    const low = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const high = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    if (second < low || second > high) return i;
    for (let k = 2; k < length; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += length;
  }
  return -1;
}

/** Where a text is not well formed, and what was found there. */
export interface IllFormed {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

const LONE_SURROGATE = /[\ud800-\udfff]/u;

/**
 * The first place in `text` that holds a lone surrogate: a byte decodeUtf8
 * could not read (U+DC80 to U+DCFF), or a string that was never valid
 * UTF-16 and cannot be written as UTF-8. Line and column count as the YAML
 * reader's positions do (UTF-16 units, from 1).
 */
export function findIllFormed(text: string): IllFormed | undefined {
  const found = LONE_SURROGATE.exec(text);
  if (!found) return undefined;
  const offset = found.index;
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  let line = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) line++;
  const unit = text.charCodeAt(offset);
  const message =
    unit >= 0xdc80 && unit <= 0xdcff
      ? `not valid UTF-8: byte 0x${(unit - 0xdc00).toString(16).padStart(2, "0")} here starts no character`
      : `not valid text: a lone UTF-16 surrogate (U+${unit.toString(16).toUpperCase()}) here is no character`;
  return { line, column: offset - lineStart + 1, message };
}

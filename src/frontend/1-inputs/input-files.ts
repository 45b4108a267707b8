import { formatBytes, LIMITS } from "../limits.js";

/**
 * Thrown by a `readFile` function for a file that is there but that
 * compose2units will not read (a FIFO, a device, a folder, one too large,
 * one it may not open). Its message continues a sentence that starts with
 * the file's name: "is a FIFO, not a regular file". Loading turns it into
 * a diagnostic at the place that named the file; any other error a
 * `readFile` throws is treated the same way, with its message in brackets.
 */
export class InputRefused extends Error {
  override readonly name = "InputRefused";
}

/** Why an input is refused for its size, worded to follow its name. */
export function tooLargeReason(bytes: number | undefined): string {
  const size = bytes === undefined ? "" : ` (${formatBytes(bytes)})`;
  return `is larger than the ${formatBytes(LIMITS.inputFileBytes)} an input file may be${size}`;
}

/**
 * Whether a text read from memory or handed over by a `readFile` function
 * is within the input size limit. A string's length counts UTF-16 units,
 * which never exceed its UTF-8 bytes, so the exact count is only needed
 * near the limit.
 */
export function sizeRefusal(text: string): string | undefined {
  if (text.length * 3 <= LIMITS.inputFileBytes) return undefined;
  const bytes = Buffer.byteLength(text, "utf8");
  return bytes > LIMITS.inputFileBytes ? tooLargeReason(bytes) : undefined;
}

/** The reason an error thrown by a `readFile` function gives, worded to follow the file's name. */
export function refusalReason(error: unknown): string {
  if (error instanceof InputRefused) return error.message;
  return `cannot be read (${error instanceof Error ? error.message : String(error)})`;
}

/** The files a project names, as the front end reads them. */
export interface InputReader {
  /** The text of an absolute path; undefined when it is missing or refused. */
  readonly readFile: (path: string) => string | undefined;
  /** Why readFile gave nothing for a path, worded to follow its name: "not found", "is a FIFO, not a regular file". */
  readonly whyUnread: (path: string) => string;
  /** Whether a path names something, even something readFile refuses: a `.env` that is a FIFO is an error, not an absent file. */
  readonly exists: (path: string) => boolean;
}

/**
 * A reader over `read` (the `files` given in memory, then the caller's
 * `readFile`) that reads each path once, turns what `read` throws into a
 * refusal and refuses texts over the size limit.
 */
export function inputReader(read: (path: string) => string | undefined, onRead: (path: string, text: string) => void): InputReader {
  const cache = new Map<string, string | undefined>();
  const refused = new Map<string, string>();
  const readFile = (path: string): string | undefined => {
    if (cache.has(path)) return cache.get(path);
    let text: string | undefined;
    try {
      text = read(path);
    } catch (e) {
      refused.set(path, refusalReason(e));
    }
    const tooLarge = text === undefined ? undefined : sizeRefusal(text);
    if (tooLarge) {
      refused.set(path, tooLarge);
      text = undefined;
    }
    cache.set(path, text);
    if (text !== undefined) onRead(path, text);
    return text;
  };
  return {
    readFile,
    whyUnread: (path) => refused.get(path) ?? "not found",
    exists: (path) => readFile(path) !== undefined || refused.has(path),
  };
}

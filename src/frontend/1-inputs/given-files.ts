import { posix } from "node:path";
import type { DiagnosticBag } from "../../diagnostics.js";
import { findIllFormed } from "../../text-encoding.js";
import type { LoadOptions } from "../load-options.js";
import type { SourceFile } from "../parse-yaml.js";
import { displayPath } from "./compose-files.js";
import { inputReader, sizeRefusal, type InputReader } from "./input-files.js";

/** The compose files given, and how every other file is read and named. */
export interface Inputs {
  /** The current directory, absolute. */
  readonly cwd: string;
  /** The compose files given, by absolute path, in order. */
  readonly files: readonly { path: string; content: string }[];
  /** Reads the given files, the files in memory, then through `readFile`. */
  readonly reader: InputReader;
  /** An absolute path as diagnostics show it: a given file as it was given, others relative to `cwd`. */
  readonly display: (path: string) => string;
}

/**
 * The compose files given, checked (over the size limit: refused; not
 * UTF-8: an error at the first bad byte), and the reader every other file
 * goes through. Undefined when a given file is refused.
 */
export function readInputs(given: readonly SourceFile[], options: LoadOptions, diagnostics: DiagnosticBag): Inputs | undefined {
  const cwd = posix.resolve("/", options.workingDirectory ?? options.projectDirectory ?? "/");
  const inMemory = new Map(Object.entries(options.files ?? {}).map(([path, text]) => [posix.resolve(cwd, path), text]));
  const baseRead = (path: string) => (inMemory.has(path) ? inMemory.get(path) : options.readFile?.(path));
  const contents = new Map<string, string>();
  for (const f of given) contents.set(posix.resolve(cwd, f.path), f.content);
  // Reported once, where the file is read; the text goes on, so one bad byte costs one error. Only compose
  // files are kept for code frames (the loader adds those it reads): a frame of an env file or a secret
  // would print the very value a message takes care not to quote.
  const reader = inputReader(
    (path) => (contents.has(path) ? contents.get(path) : baseRead(path)),
    (path, text) => {
      if (!contents.has(path)) reportIllFormed(display(path), text, diagnostics);
    },
  );
  const displayNames = new Map<string, string>(given.map((f) => [posix.resolve(cwd, f.path), f.path]));
  const display = (path: string) => displayNames.get(path) ?? displayPath(path, cwd);
  let refusedGiven = false;
  for (const f of given) {
    const tooLarge = sizeRefusal(f.content);
    if (tooLarge) diagnostics.error("missing-input", `${f.path} ${tooLarge}`, { file: f.path, line: 1, column: 1 });
    else {
      diagnostics.addSource(f.path, f.content);
      reportIllFormed(f.path, f.content, diagnostics);
    }
    refusedGiven ||= tooLarge !== undefined;
  }
  if (refusedGiven) return undefined;
  const files = given.map((f) => ({ path: posix.resolve(cwd, f.path), content: f.content }));
  return { cwd, files, reader, display };
}

/** A located error at the first byte of `text` that was not UTF-8 (or the first lone surrogate of a string given as text). */
function reportIllFormed(file: string, text: string, diagnostics: DiagnosticBag): void {
  const bad = findIllFormed(text);
  if (bad) diagnostics.error("invalid-encoding", bad.message, { file, line: bad.line, column: bad.column });
}

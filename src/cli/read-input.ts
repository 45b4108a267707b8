import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, statSync, type Stats } from "node:fs";
import { resolve } from "node:path";
import { InputRefused, refusalReason, sizeRefusal, tooLargeReason } from "../frontend/1-inputs/input-files.js";
import { LIMITS } from "../frontend/limits.js";
import type { SourceFile } from "../frontend/parse-yaml.js";
import { decodeUtf8 } from "../text-encoding.js";
import type { Io } from "./io.js";

/** How a compose file read from standard input is named in diagnostics. */
export const STDIN_NAME = "<stdin>";

/**
 * The compose files named on the command line, read. `-` is standard input,
 * as with docker compose; its relative paths resolve against the project
 * directory, by default the current one. Returns a message for a file that
 * cannot be read.
 */
export function readComposeFiles(paths: readonly string[], io: Io): { ok: true; files: SourceFile[] } | { ok: false; message: string } {
  const files: SourceFile[] = [];
  if (paths.filter((p) => p === "-").length > 1) return { ok: false, message: "standard input (-) can be given only once" };
  for (const path of paths) {
    if (path === "-") {
      const content = readStdin(io);
      if (!content.ok) return { ok: false, message: `standard input ${content.reason}` };
      files.push({ path: STDIN_NAME, content: content.text });
      continue;
    }
    const read = readArgumentFile(io.cwd, path);
    if (!read.ok) return { ok: false, message: read.message };
    files.push({ path, content: read.text });
  }
  return { ok: true, files };
}

function readStdin(io: Io): { ok: true; text: string } | { ok: false; reason: string } {
  let text: string;
  try {
    text = io.readStdin();
  } catch (e) {
    return { ok: false, reason: e instanceof InputRefused ? e.message : "cannot be read" };
  }
  const refused = sizeRefusal(text);
  return refused ? { ok: false, reason: refused } : { ok: true, text };
}

/**
 * A file named on the command line (`-f`, `--env-file`, `--registry-auth`...),
 * relative to `cwd`, or the usage message naming it as given.
 */
export function readArgumentFile(cwd: string, path: string, what = ""): { ok: true; text: string } | { ok: false; message: string } {
  const named = what === "" ? path : `${what} ${path}`;
  try {
    const text = readRegularFile(resolve(cwd, path));
    return text === undefined ? { ok: false, message: `cannot read ${named}` } : { ok: true, text };
  } catch (e) {
    return { ok: false, message: `cannot read ${named}: it ${refusalReason(e)}` };
  }
}

/**
 * The `readFile` the CLI gives the library: undefined for a path that does
 * not exist, InputRefused for one that is not a regular file or is over the
 * size limit, so that reading never blocks (a FIFO), never runs forever
 * (`/dev/zero`) and never takes more memory than the limit.
 */
export function readText(path: string): string | undefined {
  return readRegularFile(path);
}

export interface ReadOptions {
  /** Bytes the file may have; default: the input file limit. */
  readonly limit?: number;
  /** Refuse a symbolic link instead of reading what it points to (a file inside the output folder). */
  readonly noFollow?: boolean;
}

/**
 * Reads a regular file of at most `limit` bytes as UTF-8; undefined when it
 * does not exist. Anything else throws InputRefused: the file is checked
 * before it is opened (opening a FIFO waits for a writer; opening a device
 * can have effects), opened without waiting, checked again on the open file
 * (it may have been replaced in between), and read only up to the limit
 * (it may grow while being read).
 */
export function readRegularFile(path: string, options: ReadOptions = {}): string | undefined {
  const limit = options.limit ?? LIMITS.inputFileBytes;
  let before: Stats;
  try {
    before = options.noFollow ? lstatSync(path) : statSync(path);
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw new InputRefused(`cannot be read (${errorText(e)})`);
  }
  checkRegular(before, limit);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY | (options.noFollow ? constants.O_NOFOLLOW : 0));
  } catch (e) {
    if (isMissing(e)) return undefined;
    // O_NOFOLLOW fails with ELOOP on a link put in place after the check.
    if (options.noFollow && (e as NodeJS.ErrnoException).code === "ELOOP") throw new InputRefused("is a symbolic link, not a regular file");
    throw new InputRefused(`cannot be read (${errorText(e)})`);
  }
  try {
    checkRegular(fstatSync(fd), limit);
    // Bytes that are not UTF-8 are kept for the loader to report (see decodeUtf8), not replaced.
    return decodeUtf8(readBounded(fd, limit));
  } finally {
    closeSync(fd);
  }
}

/** Up to `limit` bytes of an open file descriptor, or InputRefused when there are more. */
export function readBounded(fd: number, limit: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(64 * 1024, limit + 1 - total));
    let n: number;
    try {
      n = readSync(fd, chunk, 0, chunk.length, null);
    } catch (e) {
      // Standard input may be a non-blocking pipe with nothing in it yet.
      if ((e as NodeJS.ErrnoException).code === "EAGAIN") {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      throw new InputRefused(`cannot be read (${errorText(e)})`);
    }
    if (n === 0) break;
    chunks.push(chunk.subarray(0, n));
    total += n;
    if (total > limit) throw new InputRefused(tooLargeReason(undefined));
  }
  return Buffer.concat(chunks, total);
}

function checkRegular(stats: Stats, limit: number): void {
  if (!stats.isFile()) throw new InputRefused(`is ${kindOf(stats)}, not a regular file`);
  if (stats.size > limit) throw new InputRefused(limit === LIMITS.inputFileBytes ? tooLargeReason(stats.size) : `is larger than ${limit} bytes`);
}

function kindOf(stats: Stats): string {
  if (stats.isSymbolicLink()) return "a symbolic link";
  if (stats.isDirectory()) return "a folder";
  if (stats.isFIFO()) return "a FIFO";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isSocket()) return "a socket";
  return "a special file";
}

function isMissing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR";
}

function errorText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "ELOOP") return "too many symbolic links";
  return code ?? (e instanceof Error ? e.message : String(e));
}

import { closeSync, constants, fchmodSync, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, statSync, writeSync, type Stats } from "node:fs";
import { dirname, join } from "node:path";

/**
 * File-system steps for the output folder that never follow a symbolic link
 * below it. Node has no openat(2), so a path is checked component by
 * component with lstat, and every file is opened with O_NOFOLLOW (and
 * created with O_EXCL), so that a link in the last place is refused by the
 * kernel too.
 */

/** compose2units may not write the folder as asked; the CLI reports it as a usage error (exit 2). */
export class OutputDirError extends Error {}

/** Longest name one folder entry may have on Linux file systems (NAME_MAX). */
export const NAME_MAX = 255;
/** Longest path the kernel takes (PATH_MAX, with its NUL). */
export const PATH_MAX = 4095;
/** Any file compose2units reads back from its folder is a generated file or its manifest: far below this. */
export const MAX_READ_BYTES = 64 * 1024 * 1024;

const NO_FOLLOW_READ = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** A path as it may appear in a message: quoted, with control characters escaped, so it cannot forge lines. */
export function shown(path: string): string {
  return JSON.stringify(path);
}

/**
 * Why `path` cannot name a file inside a folder, or undefined when it can:
 * relative, `/`-separated, normalized (no empty, `.` or `..` segments) and
 * every name short enough for the file system.
 */
export function badRelativePath(path: string): string | undefined {
  if (path === "") return "it is empty";
  if (path.includes("\0")) return "it holds a NUL character";
  if (path.startsWith("/")) return "it is absolute";
  const segments = path.split("/");
  if (segments.includes("")) return "it has an empty segment";
  if (segments.some((s) => s === "." || s === "..")) return 'it has a "." or ".." segment';
  const long = segments.find((s) => Buffer.byteLength(s) > NAME_MAX);
  if (long !== undefined)
    return `the name ${shown(long.slice(0, 32) + "...")} is ${Buffer.byteLength(long)} bytes long, over the ${NAME_MAX} a file system takes`;
  return undefined;
}

/** What lookBelow found: nothing there yet, or what lstat says is there. */
export type Found = { readonly kind: "none" } | { readonly kind: "found"; readonly stat: Stats };

/**
 * What is at `path` below `dir`, seen without following links. A symbolic
 * link at any step is refused; so is a step that is not a folder, unless
 * `missingIfBlocked` (a file that was generated there before and is gone).
 */
export function lookBelow(dir: string, path: string, missingIfBlocked = false): Found {
  const segments = path.split("/");
  let at = dir;
  for (let i = 0; i < segments.length; i++) {
    at = join(at, segments[i]!);
    const stat = lstatSync(at, { throwIfNoEntry: false });
    if (stat === undefined) return { kind: "none" };
    if (stat.isSymbolicLink()) throw symlinkRefused(dir, path, at);
    if (i === segments.length - 1) return { kind: "found", stat };
    if (!stat.isDirectory()) {
      if (missingIfBlocked) return { kind: "none" };
      throw new OutputDirError(`cannot write ${shown(path)} in ${dir}: ${at} is not a folder`);
    }
  }
  return { kind: "none" };
}

export function symlinkRefused(dir: string, path: string, at: string): OutputDirError {
  return new OutputDirError(
    `refusing to write ${shown(path)} in ${dir}: ${at} is a symbolic link, and compose2units does not follow links inside its output folder; remove the link`,
  );
}

/** A folder that does not exist yet can be made: the nearest thing above it that exists is a folder. */
export function checkCreatable(dir: string): void {
  for (let at = dirname(dir); ; at = dirname(at)) {
    const stat = statSync(at, { throwIfNoEntry: false });
    if (stat !== undefined) {
      if (!stat.isDirectory()) throw new OutputDirError(`cannot create ${dir}: ${at} is not a folder`);
      return;
    }
    if (dirname(at) === at) return;
  }
}

/**
 * Makes `folder` and the folders above it that are missing, one by one:
 * a recursive mkdirSync reports a read-only file system as ENOENT.
 */
export function makeFolderPath(folder: string): void {
  if (statSync(folder, { throwIfNoEntry: false }) !== undefined) return;
  if (dirname(folder) !== folder) makeFolderPath(dirname(folder));
  try {
    mkdirSync(folder);
  } catch (e) {
    if (codeOf(e) !== "EEXIST") throw e;
  }
}

/**
 * A file in the output folder and its mode, opened without following a link
 * or blocking on a FIFO; anything else is refused. Not read-input.ts's
 * reader of inputs: this one also returns the mode the plan compares, and
 * takes up to 64 MiB, as generated files (the cloud-config of thousands of
 * services) may exceed the 16 MiB an input may take.
 */
export function readGeneratedFile(path: string, what: string): { readonly content: string; readonly stat: Stats } {
  let fd: number;
  try {
    fd = openSync(path, NO_FOLLOW_READ);
  } catch (e) {
    if (codeOf(e) === "ELOOP") throw new OutputDirError(`refusing to read ${what}: ${path} is a symbolic link`);
    throw e;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new OutputDirError(`refusing to read ${what}: ${path} is not a regular file`);
    if (stat.size > MAX_READ_BYTES)
      throw new OutputDirError(`refusing to read ${what}: ${path} is ${stat.size} bytes, over the ${MAX_READ_BYTES} compose2units reads`);
    return { content: readFileSync(fd, "utf8"), stat };
  } finally {
    closeSync(fd);
  }
}

/** Creates a file that must not exist yet (not even as a link), with exactly `mode` whatever the umask. */
export function createFile(path: string, content: string, mode: number): void {
  const fd = openSync(path, CREATE_NEW, mode);
  try {
    const bytes = Buffer.from(content, "utf8");
    for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, bytes.length - done);
    fchmodSync(fd, mode);
  } finally {
    closeSync(fd);
  }
}

/** chmod through a descriptor opened without following a link, so a link put in the file's place changes nothing. */
export function setMode(path: string, mode: number, kind: "file" | "folder"): void {
  const fd = openSync(path, NO_FOLLOW_READ | (kind === "folder" ? constants.O_DIRECTORY : 0));
  try {
    const stat = fstatSync(fd);
    if (kind === "file" ? !stat.isFile() : !stat.isDirectory()) throw new OutputDirError(`refusing to change the mode of ${path}: it is no longer a ${kind}`);
    fchmodSync(fd, mode);
  } finally {
    closeSync(fd);
  }
}

/** Octal permission bits as the plan and cloud-config spell them, e.g. "0644". */
export function permissionsOf(stat: Stats): string {
  return "0" + (stat.mode & 0o777).toString(8).padStart(3, "0");
}

export function codeOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

const REASONS: Readonly<Record<string, string>> = {
  ENOSPC: "no space left on the device",
  EDQUOT: "the disk quota is used up",
  EROFS: "the file system is read-only",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOTDIR: "a part of the path is not a folder",
  EISDIR: "a folder is where a file should go",
  ENAMETOOLONG: "a name is too long for the file system",
  ELOOP: "a symbolic link is in the way",
  EEXIST: "a file appeared where compose2units was writing",
  ENOTEMPTY: "a folder appeared where compose2units was writing",
  EIO: "an input/output error",
  EMFILE: "too many open files",
  ENFILE: "too many open files",
  EXDEV: "the staging folder is on another file system",
  EBUSY: "the file is busy",
};

/**
 * A file-system error as the one line a user reads: what could not be
 * done, and why in words, with the errno code for searching. Errors
 * without a code are bugs and are passed through, to exit 70.
 */
export function asOutputDirError(e: unknown, doing: string): unknown {
  if (e instanceof OutputDirError) return e;
  const code = codeOf(e);
  if (code === undefined) return e;
  return new OutputDirError(`${doing}: ${REASONS[code] ?? "the file system refused"} (${code})`);
}

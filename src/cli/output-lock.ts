import { closeSync, constants, fstatSync, linkSync, lstatSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { basename, dirname, join } from "node:path";
import { asOutputDirError, checkCreatable, codeOf, makeFolderPath, OutputDirError } from "./output-fs.js";

/**
 * One run at a time writes a folder: each takes a lock file beside the
 * folder (`.<name>.compose2units-lock` in its parent, so that it also
 * guards a folder that does not exist yet), created with O_EXCL and
 * holding `<pid> <host>`. A lock whose process is no longer running on
 * this machine is stale: the next run takes it over. An empty lock older
 * than EMPTY_LOCK_STALE_MS is one whose run died between creating and
 * filling it. A lock from another host is never judged stale.
 */
export interface FolderLock {
  readonly path: string;
  /** Whether the lock file is still the one this run created; checked before anything in the folder changes. */
  held(): boolean;
  release(): void;
}

export interface LockOptions {
  /** How long to wait for another run to finish; default DEFAULT_LOCK_WAIT_MS. */
  readonly waitMs?: number;
}

export const DEFAULT_LOCK_WAIT_MS = 60_000;
const EMPTY_LOCK_STALE_MS = 5_000;
const POLL_MS = 25;

export function lockPathFor(dir: string): string {
  return join(dirname(dir), `.${basename(dir)}.compose2units-lock`);
}

/** Takes the folder's lock, waiting while another live run holds it. Creates the folder's parents if needed. */
export function lockOutputFolder(dir: string, options: LockOptions = {}): FolderLock {
  const path = lockPathFor(dir);
  const deadline = Date.now() + (options.waitMs ?? DEFAULT_LOCK_WAIT_MS);
  try {
    checkCreatable(dir);
    makeFolderPath(dirname(dir));
    for (;;) {
      const ino = tryCreate(path);
      if (ino !== undefined) return heldLock(path, ino);
      const holder = readHolder(path);
      if (holder === undefined) continue; // released between our two looks
      if (holder.stale) {
        breakStale(path, holder.ino);
        continue;
      }
      if (Date.now() >= deadline) {
        throw new OutputDirError(`${dir} is being written by another compose2units run (${holder.owner}); if none is running, remove ${path}`);
      }
      sleep(POLL_MS);
    }
  } catch (e) {
    throw asOutputDirError(e, `cannot lock ${dir} (lock file ${path})`);
  }
}

function tryCreate(path: string): number | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  } catch (e) {
    if (codeOf(e) === "EEXIST") return undefined;
    throw e;
  }
  try {
    writeSync(fd, `${process.pid} ${hostname()}\n`);
    return fstatSync(fd).ino;
  } catch (e) {
    // An empty lock would hold the next run off until it is judged stale.
    unlinkSync(path);
    throw e;
  } finally {
    closeSync(fd);
  }
}

function heldLock(path: string, ino: number): FolderLock {
  const held = () => lstatSync(path, { throwIfNoEntry: false })?.ino === ino;
  return {
    path,
    held,
    release() {
      // Another run that judged this lock stale may own the path now: only our own file is removed.
      if (held()) unlinkSync(path);
    },
  };
}

interface Holder {
  readonly ino: number;
  readonly owner: string;
  readonly stale: boolean;
}

function readHolder(path: string): Holder | undefined {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (stat === undefined) return undefined;
  if (!stat.isFile()) throw new OutputDirError(`refusing to use the lock ${path}: it is not a regular file; remove it`);
  let text: string;
  try {
    text = readFileSync(path, "utf8").slice(0, 512);
  } catch (e) {
    if (codeOf(e) === "ENOENT") return undefined;
    throw e;
  }
  const match = /^(\d+) (\S+)\n/.exec(text);
  if (!match) return { ino: stat.ino, owner: "a run that has not written its process id", stale: Date.now() - stat.mtimeMs > EMPTY_LOCK_STALE_MS };
  const pid = Number(match[1]);
  const host = match[2]!;
  const owner = `process ${pid} on ${host}`;
  return { ino: stat.ino, owner, stale: host === hostname() && !running(pid) };
}

function running(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, as another user.
    return codeOf(e) !== "ESRCH";
  }
}

/**
 * Moves a stale lock aside and removes it, checking that what was moved is
 * the file judged stale: a run may have replaced it in between, and its
 * fresh lock is put back (if that fails, that run finds its lock gone
 * before it changes anything, and stops).
 */
function breakStale(path: string, ino: number): void {
  const aside = `${path}.stale-${process.pid}-${Date.now()}`;
  try {
    renameSync(path, aside);
  } catch (e) {
    if (codeOf(e) === "ENOENT") return;
    throw e;
  }
  if (lstatSync(aside).ino !== ino) {
    try {
      linkSync(aside, path);
    } catch (e) {
      if (codeOf(e) !== "EEXIST") throw e;
    }
  }
  unlinkSync(aside);
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

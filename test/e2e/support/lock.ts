import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isAlive, sleep } from "./proc.js";

const LOCK = join(tmpdir(), "compose2units-e2e.lock");

/**
 * One end-to-end environment at a time on a machine: vitest runs test files
 * in parallel, and two harnesses would each want the one dockerd and the
 * same ports. The lock file holds the owner's PID; a dead owner's lock is taken over.
 */
export async function acquireLock(timeoutMs: number): Promise<() => void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(LOCK, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        if (owner() === process.pid) unlinkSync(LOCK);
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const pid = owner();
    if (pid === undefined || !isAlive(pid)) {
      try {
        unlinkSync(LOCK);
      } catch {
        // Another waiter took it over first.
      }
      continue;
    }
    if (Date.now() > end) throw new Error(`another end-to-end run (pid ${pid}) held ${LOCK} for ${timeoutMs} ms`);
    await sleep(500);
  }
}

function owner(): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(LOCK, "utf8"), 10);
    return Number.isInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

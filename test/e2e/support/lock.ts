import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";

const LOCK = join(tmpdir(), "compose2units-e2e.flock");

/**
 * One end-to-end environment at a time on a machine: vitest runs test files
 * in parallel, two `npm test` may run at once, and each harness wants the
 * one dockerd and the machine's ports. The lock is the kernel's (flock(1)
 * holds it for a `cat` that reads our pipe), so it is released even when
 * this process dies without cleaning up: the pipe closes, cat exits.
 */
export function acquireLock(timeoutMs: number): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const seconds = String(Math.ceil(timeoutMs / 1000));
    const holder = spawn("flock", ["--exclusive", "--timeout", seconds, LOCK, "sh", "-c", "echo locked; exec cat >/dev/null"], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stderr = "";
    holder.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    holder.stdin.on("error", () => undefined);
    holder.stdout.once("data", () => resolve(() => holder.stdin.end()));
    holder.once("error", reject);
    holder.once("exit", (code) => reject(new Error(`another end-to-end run held ${LOCK} for ${seconds} s (flock exited ${code}) ${stderr}`.trim())));
  });
}

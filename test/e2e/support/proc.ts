import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";

/** The result of one finished command; stdout is kept as bytes too, for checks that compare bytes. */
export interface Finished {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stdoutBytes: Buffer;
  readonly stderr: string;
}

export interface RunOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly input?: string;
  /** Killed (SIGKILL) after this long; every command the harness runs is bounded. */
  readonly timeoutMs?: number;
}

/**
 * Runs a command without blocking the test worker's event loop (vitest talks
 * to its workers over it, and a 60 s synchronous debootstrap would starve it).
 */
export function run(cmd: string, args: readonly string[], options: RunOptions = {}): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const stdin = options.input === undefined ? "ignore" : "pipe";
    const child = spawn(cmd, [...args], { cwd: options.cwd, env: options.env ?? process.env, stdio: [stdin, "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on("data", (b: Buffer) => out.push(b));
    child.stderr!.on("data", (b: Buffer) => err.push(b));
    const timeoutMs = options.timeoutMs ?? 60_000;
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      const stdoutBytes = Buffer.concat(out);
      const stderr = Buffer.concat(err).toString("utf8") + (signal === "SIGKILL" ? `\n(killed after ${timeoutMs} ms)` : "");
      resolve({ status, signal, stdout: stdoutBytes.toString("utf8"), stdoutBytes, stderr });
    });
    if (child.stdin) {
      // A command that exits without reading its input must not fail the test with EPIPE.
      child.stdin.on("error", () => undefined);
      child.stdin.end(options.input);
    }
  });
}

/** Like run, but a non-zero exit is an error that shows the command and what it printed. */
export async function must(cmd: string, args: readonly string[], options: RunOptions = {}): Promise<Finished> {
  const r = await run(cmd, args, options);
  if (r.status !== 0) throw new Error(`${[cmd, ...args].join(" ")} exited ${r.status ?? r.signal}:\n${r.stdout}${r.stderr}`.trimEnd());
  return r;
}

/** Thrown by a waitFor probe when waiting longer cannot help (a unit has failed for good). */
export class GiveUp extends Error {}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` until it returns something other than undefined, at most
 * `timeoutMs`. On timeout the error says what was awaited and what the probe
 * saw last, which is usually the whole diagnosis.
 */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined> | T | undefined, intervalMs = 250): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      last = undefined;
    } catch (e) {
      if (e instanceof GiveUp) throw e;
      last = e;
    }
    if (Date.now() >= end) {
      const detail = last instanceof Error ? `: ${last.message}` : "";
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await sleep(intervalMs);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie child still answers kill(0); it is gone for our purposes.
  const stat = readProcFile(pid, "stat");
  return stat !== undefined && !/^\d+ \(.*\) Z/.test(stat);
}

/**
 * Stops one process the harness started, by its PID: `signal` first, then
 * SIGKILL if it has not exited within `graceMs`.
 */
export async function stopProcess(pid: number, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (!isAlive(pid)) return;
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  const end = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < end) await sleep(100);
  if (isAlive(pid)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      return;
    }
    const killEnd = Date.now() + 5_000;
    while (isAlive(pid) && Date.now() < killEnd) await sleep(100);
  }
}

export function readProcFile(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return undefined;
  }
}

/** PIDs of running processes whose executable name (comm) is `name`. */
export function processesNamed(name: string): number[] {
  if (!existsSync("/proc")) return [];
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => readProcFile(pid, "comm")?.trim() === name && isAlive(pid));
}

/** Direct children of a process (Linux's /proc/PID/task/*\/children). */
export function childrenOf(pid: number): number[] {
  const tasks = (() => {
    try {
      return readdirSync(`/proc/${pid}/task`);
    } catch {
      return [];
    }
  })();
  return tasks.flatMap((t) => (readProcFile(pid, `task/${t}/children`) ?? "").split(/\s+/).filter(Boolean).map(Number));
}

import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { main } from "../../src/cli/main.js";
import { requireRealTag } from "./real-tag.js";

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface InProcessOptions {
  readonly env?: Record<string, string>;
  readonly stdin?: string;
  readonly stdoutIsTTY?: boolean;
  readonly stderrIsTTY?: boolean;
}

/** The CLI run in-process through its Io, to play a terminal and standard input. */
export async function cliInProcess(args: string[], cwd: string, options: InProcessOptions = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const status = await main(args, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: options.env ?? {},
    cwd,
    readStdin: () => {
      if (options.stdin === undefined) throw new Error("no standard input");
      return options.stdin;
    },
    stdoutIsTTY: options.stdoutIsTTY ?? false,
    stderrIsTTY: options.stderrIsTTY ?? false,
  });
  return { status, stdout, stderr };
}

/** The CLI as users run it: the built bin/compose2units in a child process. */
export const BIN = new URL("../../bin/compose2units", import.meta.url).pathname;

export function cliProcess(args: string[], cwd: string, options: { env?: NodeJS.ProcessEnv; input?: string } = {}): CliRun {
  requireRealTag("the built CLI");
  const r = spawnSync(BIN, args, { cwd, encoding: "utf8", input: options.input ?? "", env: { PATH: process.env.PATH, ...options.env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh folder holding `files` (relative path → content). */
export function projectDir(files: Record<string, string>, prefix = "c2u-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

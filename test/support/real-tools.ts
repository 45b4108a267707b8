import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { OutputFile } from "../../src/index.js";
import { requireRealTag } from "./real-tag.js";

/**
 * The real tools that judge generated output. Outside CI a missing tool
 * skips its checks (with the reason printed); in CI (CI=true) a missing
 * tool is a failure, because setup installs them there.
 */
export const TOOLS = {
  systemdAnalyze: "/usr/bin/systemd-analyze",
  cloudInit: "/usr/bin/cloud-init",
  shellcheck: "/usr/bin/shellcheck",
  docker: "/usr/bin/docker",
  podman: "/usr/bin/podman",
} as const;

export function toolMissing(...paths: string[]): string | undefined {
  return requirementMissing("real-tool checks", paths, "run npm test as root, or npm run setup, to install them");
}

/**
 * The reason to skip `what` when one of `paths` is absent, else undefined;
 * in CI an absent path fails the test file instead, so that nothing there
 * is skipped for want of what CI always has.
 */
export function requirementMissing(what: string, paths: readonly string[], remedy: string): string | undefined {
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length === 0) return undefined;
  const why = `missing ${missing.join(", ")} (${remedy})`;
  if (process.env.CI === "true") throw new Error(`CI must have everything the tests check with: ${why}`);
  console.warn(`skipping ${what}: ${why}`);
  return why;
}

export interface ToolRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function run(cmd: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): ToolRun {
  requireRealTag(cmd);
  const r = spawnSync(cmd, [...args], { encoding: "utf8", cwd: options.cwd, env: options.env ?? process.env });
  return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** Writes generated files into a fresh temporary folder, with their permissions. */
export function writeFiles(files: readonly OutputFile[]): string {
  const dir = mkdtempSync(join(tmpdir(), "compose2units-"));
  for (const f of files) {
    const path = join(dir, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.content);
    chmodSync(path, Number.parseInt(f.permissions, 8));
  }
  return dir;
}

/**
 * `systemd-analyze verify` exits 0 on unknown keys and bad values and only
 * warns on stderr, so any stderr output counts as a failure here.
 */
export function verifyUnits(dir: string, units: readonly string[]): ToolRun {
  return run(TOOLS.systemdAnalyze, ["verify", "--man=no", "--generators=no", ...units.map((u) => join(dir, u))]);
}

export function cloudInitSchema(file: string): ToolRun {
  return run(TOOLS.cloudInit, ["schema", "--config-file", file]);
}

export function shellcheck(file: string): ToolRun {
  return run(TOOLS.shellcheck, ["--shell=sh", "--severity=style", file]);
}

/** What cloud-init makes of a cloud-config document: see cloud-init-read.py. */
export interface CloudInitReading {
  readonly error?: string;
  readonly keys?: readonly string[];
  readonly files?: readonly { path: string; owner: string; permissions: string; content: string }[];
  readonly units?: readonly { name: string; content: string }[];
  readonly runcmd?: unknown;
}

const CLOUD_INIT_READ = join(dirname(new URL(import.meta.url).pathname), "cloud-init-read.py");

/** Reads each document with cloud-init's own loader (Debian's python3 and cloud-init), in one process. */
export function cloudInitRead(files: readonly string[]): CloudInitReading[] {
  if (files.length === 0) return [];
  requireRealTag("cloud-init's YAML loader");
  const r = spawnSync("/usr/bin/python3", [CLOUD_INIT_READ, ...files], { encoding: "utf8", maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`cloud-init-read.py failed: ${r.stderr}`);
  return r.stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as CloudInitReading);
}

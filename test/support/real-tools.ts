import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { OutputFile } from "../../src/index.js";

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
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length === 0) return undefined;
  const why = `missing ${missing.join(", ")} (run npm test as root, or npm run setup, to install them)`;
  if (process.env.CI === "true") throw new Error(`CI must have every checking tool: ${why}`);
  console.warn(`skipping real-tool checks: ${why}`);
  return why;
}

export interface ToolRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function run(cmd: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): ToolRun {
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

import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { main } from "../../../src/cli/main.js";
import type { Machine } from "./nspawn.js";
import { CLOUD_INIT_DISABLED } from "./rootfs.js";

/** What `compose2units ... -o OUT --nocloud SEED` wrote. */
export interface CliOutput {
  /** The output folder (units, env files, cloud-config.yaml). */
  readonly out: string;
  /** The NoCloud seed folder (user-data, meta-data). */
  readonly seed: string;
  /** Everything the CLI printed on stderr (warnings). */
  readonly stderr: string;
}

/**
 * Runs the command-line interface as a user would (the same entry point as
 * bin/compose2units, in this process, so no build is needed): the compose
 * file written to `dir`, the variables as the only environment. A non-zero
 * exit fails the test with compose2units's own messages.
 */
export async function compileWithCli(dir: string, compose: string, environment: Record<string, string>, args: readonly string[]): Promise<CliOutput> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "compose.yaml"), compose);
  const out = join(dir, "out");
  const seed = join(dir, "seed");
  let stdout = "";
  let stderr = "";
  const argv = ["-f", "compose.yaml", "-o", out, "--nocloud", seed, ...args];
  // Output captured, no terminal, nothing on standard input: as from a build script.
  const io = {
    stdout: (t: string) => void (stdout += t),
    stderr: (t: string) => void (stderr += t),
    env: environment,
    cwd: dir,
    readStdin: () => "",
    stdoutIsTTY: false,
    stderrIsTTY: false,
  };
  const code = await main(argv, io);
  if (code !== 0) throw new Error(`compose2units ${argv.join(" ")} exited ${code}:\n${stdout}${stderr}`.trimEnd());
  return { out, seed, stderr };
}

export interface SeededFile {
  readonly path: string;
  readonly owner?: string;
  readonly permissions?: string;
  readonly encoding?: string;
  readonly content?: string;
}

/** The write_files of the user-data in a seed folder, as YAML reads them. */
export function seededWriteFiles(seed: string): SeededFile[] {
  const userData = readFileSync(join(seed, "user-data"), "utf8");
  if (!userData.startsWith("#cloud-config\n")) throw new Error("user-data does not start with #cloud-config");
  return (parse(userData) as { write_files?: SeededFile[] }).write_files ?? [];
}

/**
 * Puts the seed where cloud-init's NoCloud datasource looks on the local
 * disk, and lets cloud-init's generator bring cloud-init into boot (the
 * cached rootfs keeps it out for every other test). The rootfs restricts
 * the datasources to NoCloud, so nothing waits for a metadata service.
 */
export function seedNoCloud(root: string, seed: string): void {
  const target = join(root, "var/lib/cloud/seed/nocloud");
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true, mode: 0o700 });
  for (const name of ["meta-data", "user-data"]) copyFileSync(join(seed, name), join(target, name));
  rmSync(join(root, CLOUD_INIT_DISABLED), { force: true });
}

/**
 * cloud-init's four boot stages, in the order systemd runs them
 * (cloud-init-local, cloud-init, cloud-config, cloud-final). Each must exit
 * 0: cloud-init exits non-zero when a module of the stage failed.
 */
export const CLOUD_INIT_STAGES: readonly (readonly string[])[] = [["init", "--local"], ["init"], ["modules", "--mode=config"], ["modules", "--mode=final"]];

/** Runs the stages by hand in the booted machine; returns each one's duration, for the summary. */
export async function runCloudInitStages(machine: Machine): Promise<string[]> {
  const took: string[] = [];
  for (const stage of CLOUD_INIT_STAGES) {
    const start = Date.now();
    const r = await machine.exec(["cloud-init", ...stage], { timeoutMs: 180_000 });
    if (r.status !== 0) {
      const log = await machine.exec(["tail", "-n", "40", "/var/log/cloud-init.log"]);
      throw new Error(
        `in the machine: cloud-init ${stage.join(" ")} exited ${r.status ?? r.signal}:\n${r.stdout}${r.stderr}\n/var/log/cloud-init.log ends:\n${log.stdout}`.trimEnd(),
      );
    }
    took.push(`${stage.join(" ")} ${((Date.now() - start) / 1000).toFixed(1)} s`);
  }
  return took;
}

/** cloud-init's own verdict once its last stage ran: /run/cloud-init/result.json. */
export async function cloudInitResult(machine: Machine): Promise<{ datasource: string; errors: unknown[] }> {
  const text = await machine.mustExec(["cat", "/run/cloud-init/result.json"]);
  const v1 = (JSON.parse(text) as { v1: { datasource: string; errors: unknown[] } }).v1;
  return { datasource: v1.datasource, errors: v1.errors };
}

/** `cloud-init status --long --format json`: its exit code (1 when a stage reported errors) and what it says. */
export async function cloudInitStatus(
  machine: Machine,
): Promise<{ exitCode: number | null; status: string; bootStatusCode: string; errors: unknown[]; output: string }> {
  const r = await machine.exec(["cloud-init", "status", "--long", "--format", "json"], { timeoutMs: 60_000 });
  const parsed = JSON.parse(r.stdout) as { status: string; boot_status_code: string; errors: unknown[] };
  return { exitCode: r.status, status: parsed.status, bootStatusCode: parsed.boot_status_code, errors: parsed.errors, output: `${r.stdout}${r.stderr}` };
}

/** Mode (octal, as write_files declares it), owner and group of a file in the machine. */
export async function statInMachine(machine: Machine, path: string): Promise<{ permissions: string; owner: string }> {
  const [mode, owner] = (await machine.mustExec(["stat", "--format", "%a %U:%G", path])).trim().split(" ") as [string, string];
  return { permissions: mode.padStart(4, "0"), owner };
}

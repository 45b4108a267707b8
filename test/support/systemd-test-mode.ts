/**
 * Units loaded by the real systemd, without a running manager, and read
 * back: the one runner behind exec-quote.systemd.test.ts and
 * generated-units.systemd.test.ts.
 *
 * How: `systemd --test --system --unit=NAME` loads the unit set without a
 * running manager (systemd need not be PID 1), queues a start job for NAME
 * and dumps every loaded unit to stdout. It refuses to run as root, so as
 * root we run it as `nobody` through `setpriv --reuid=65534 --regid=65534
 * --clear-groups` (util-linux); as any other user it runs directly. The
 * environment is cleared except for:
 *   SYSTEMD_UNIT_PATH=DIR:   our units first, then the default path (the
 *                            trailing ':'), so the unit's default
 *                            dependencies still resolve;
 *   SYSTEMD_GENERATOR_PATH, SYSTEMD_ENVIRONMENT_GENERATOR_PATH=EMPTY-DIR
 *                            no generators run (faster, no noise);
 *   HOME=DIR                 so it does not try to read /root as nobody.
 * DIR is a fresh 0755 temporary folder with 0644 units, readable by nobody.
 *
 * Every Requires= must be found: a required unit that is missing from both
 * DIR and the default path makes the start job fail ("Failed to start
 * default target: Unit X not found."), systemd exits 1 and dumps nothing.
 * So a unit set that needs units from outside (docker.service) gets
 * stand-ins written into DIR, which wins over the default path.
 *
 * Output: in the block that starts with "\t-> Unit NAME:", the commands of
 * each Exec*= setting (ExecStartPre, ExecStart, ExecStartPost, ExecStop,
 * ...) follow a line "\t\t-> ExecStartPre:" as lines
 * "\t\t\tCommand Line: ...". The text is quote_command_line(argv): words
 * joined by one space; a word is bare unless it is empty or holds
 * whitespace, a control character or one of "\\`$'()<>|&;!*?[, in which
 * case it is double-quoted with \ " $ ` backslash-escaped and control
 * characters C-escaped (\t, \n, \ooo). That keeps word boundaries
 * unambiguous (parseDumpedCommandLine reads it strictly). This is argv as
 * stored after loading the unit: quotes, escapes and `%` specifiers are
 * resolved, but `$` expansion happens only when a process is started, so
 * `$$` is still `$$` here. That one step, $$ -> $, cannot be watched
 * without a manager (a user manager needs a booted systemd and a delegated
 * cgroup, neither of which this machine or CI has); the model's
 * expandEnvironment, a transcription of replace_env_argv, supplies it, and
 * everything before it is compared with systemd byte for byte. Prefixes
 * such as `-` are not part of the dump.
 *
 * Checked against systemd 252 (Debian 12). Tests skip only when systemd is
 * not installed and CI is not "true"; in CI a missing systemd fails.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { requireRealTag } from "./real-tag.js";
import { parseDumpedCommandLine } from "./systemd-exec.js";

export const SYSTEMD = "/lib/systemd/systemd";
export const SETPRIV = "/usr/bin/setpriv";

/** True when systemd is not installed here. */
export const systemdMissing = !existsSync(SYSTEMD);

/**
 * Whether tests that need systemd skip: only when it is missing and CI is
 * not "true" (printing why). In CI they run, and fail on the missing systemd.
 */
export function skipWithoutSystemd(what: string): boolean {
  const skip = systemdMissing && process.env.CI !== "true";
  if (skip) console.warn(`skipping ${what}: ${SYSTEMD} is not installed (npm run setup installs Debian's systemd)`);
  return skip;
}

/** One unit's block in the dump of `systemd --test`. */
export interface DumpedUnit {
  readonly name: string;
  /** "Unit Load State:" (loaded, not-found, bad-setting, error, ...). */
  readonly loadState: string | undefined;
  /** "Fragment Path:": the file systemd loaded the unit from. */
  readonly fragmentPath: string | undefined;
  /**
   * Every Exec*= setting the unit has, in dump order: ExecStartPre,
   * ExecStart, ... → its commands, each as argv as systemd stores it
   * (before `$` expansion).
   */
  readonly exec: Readonly<Record<string, string[][]>>;
}

export interface TestModeRun {
  readonly stdout: string;
  readonly stderr: string;
  /** Whether systemd loaded (and so dumped) the unit. */
  has(name: string): boolean;
  /** The dumped block of a unit; fails the test when systemd did not dump it. */
  unit(name: string): DumpedUnit;
  /** stderr lines that name the unit or its file in the folder. */
  complaintsAbout(name: string): string[];
}

/** A fresh temporary folder of units, readable by nobody, for `systemd --test`. */
export class UnitFolder {
  readonly dir: string;
  private readonly empty: string;

  constructor(prefix: string) {
    this.dir = mkdtempSync(join(tmpdir(), prefix));
    this.empty = join(this.dir, "no-generators");
    mkdirSync(this.empty);
    for (const p of [this.dir, this.empty]) chmodSync(p, 0o755);
  }

  /** Writes a unit file (mode 0644); returns its path. */
  write(name: string, content: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, content);
    chmodSync(path, 0o644);
    return path;
  }

  /** `systemd --test --system --unit=NAME` on this folder; fails the test unless it exits 0. */
  run(unitName: string): TestModeRun {
    requireRealTag("systemd --test");
    expect(systemdMissing, `${SYSTEMD} is missing; CI must have systemd (npm run setup installs it)`).toBe(false);
    const args = ["--test", "--system", `--unit=${unitName}`];
    const asRoot = process.getuid?.() === 0;
    if (asRoot) expect(existsSync(SETPRIV), `${SETPRIV} (util-linux) is needed to run systemd --test as nobody`).toBe(true);
    const [cmd, argv] = asRoot ? [SETPRIV, ["--reuid=65534", "--regid=65534", "--clear-groups", SYSTEMD, ...args]] : [SYSTEMD, args];
    const r = spawnSync(cmd, argv, {
      encoding: "utf8",
      timeout: 30_000,
      maxBuffer: 256 * 1024 * 1024,
      env: {
        PATH: "/usr/sbin:/usr/bin:/sbin:/bin",
        HOME: this.dir,
        SYSTEMD_UNIT_PATH: `${this.dir}:`,
        SYSTEMD_GENERATOR_PATH: this.empty,
        SYSTEMD_ENVIRONMENT_GENERATOR_PATH: this.empty,
      },
    });
    const stdout = r.stdout ?? "";
    const stderr = r.stderr ?? "";
    expect(r.error, String(r.error)).toBeUndefined();
    expect(r.status, `systemd --test --unit=${unitName} failed:\n${stderr}`).toBe(0);
    const lines = stdout.split("\n");
    const dir = this.dir;
    return {
      stdout,
      stderr,
      has: (name) => lines.includes(`\t-> Unit ${name}:`),
      unit: (name) => parseUnitBlock(lines, name, stderr),
      complaintsAbout: (name) => stderr.split("\n").filter((l) => l.includes(join(dir, name)) || l.includes(name)),
    };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function parseUnitBlock(lines: readonly string[], name: string, stderr: string): DumpedUnit {
  const start = lines.indexOf(`\t-> Unit ${name}:`);
  expect(start, `no dump of ${name} in systemd's output; stderr:\n${stderr}`).toBeGreaterThanOrEqual(0);
  let end = lines.findIndex((l, i) => i > start && l.startsWith("\t-> Unit "));
  if (end < 0) end = lines.length;
  const block = lines.slice(start + 1, end);

  const field = (key: string) => {
    const l = block.find((x) => x.startsWith(`\t\t${key}: `));
    return l === undefined ? undefined : l.slice(`\t\t${key}: `.length);
  };
  const exec: Record<string, string[][]> = {};
  for (const [i, header] of block.entries()) {
    const m = /^\t\t-> (Exec[A-Za-z]+):$/.exec(header);
    if (!m) continue;
    const key = m[1]!;
    expect(exec[key], `${name}: ${key} dumped twice`).toBeUndefined();
    const commands: string[][] = [];
    for (const l of block.slice(i + 1)) {
      if (!l.startsWith("\t\t\t")) break;
      // (Not a regex with `.`: that stops at U+2028, which systemd prints raw.)
      const prefix = "\t\t\tCommand Line: ";
      expect(l.startsWith(prefix), `unexpected line in the ${key} dump of ${name}: ${JSON.stringify(l)}`).toBe(true);
      commands.push(parseDumpedCommandLine(l.slice(prefix.length)));
    }
    exec[key] = commands;
  }
  return { name, loadState: field("Unit Load State"), fragmentPath: field("Fragment Path"), exec };
}

// @module-tag real
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/** Each test starts the CLI several times; a busy machine must not fail them. */
const SLOW = { timeout: 60_000 };

/** The CLI as users run it: the built bin/compose2units in a child process. */
const BIN = new URL("../bin/compose2units", import.meta.url).pathname;

function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  // Run through the shebang, as a user's shell does.
  const r = spawnSync(BIN, args, { cwd, encoding: "utf8", env: { PATH: process.env.PATH, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "c2u-cli-"));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

const GOOD = "services:\n  web:\n    image: nginx:1.25\n    environment:\n      GREETING: ${GREETING}\n    ports: ['8080:80']\n";

describe("compose2units CLI", SLOW, () => {
  it("writes units, env files, the cleanup script and the cloud-config, with their permissions", () => {
    const dir = project({ "docker-compose.yml": GOOD, ".env": "GREETING=hello from .env\n" });
    const r = cli(["docker-compose.yml", "-o", "out", "-p", "stack"], dir);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const out = join(dir, "out");
    expect(readdirSync(out).sort()).toEqual([
      ".compose2units-manifest",
      "cloud-config.yaml",
      "env",
      "stack-hold-image-volumes.sh",
      "stack-image-cleanup.service",
      "stack-image-cleanup.sh",
      "stack-image-cleanup.timer",
      "stack-network-default.service",
      "stack-web.service",
      "stack.target",
    ]);
    expect(readFileSync(join(out, "env", "web.env"), "utf8")).toBe("GREETING=hello from .env\n");
    expect(statSync(join(out, "env", "web.env")).mode & 0o777).toBe(0o600);
    expect(statSync(join(out, "stack-image-cleanup.sh")).mode & 0o777).toBe(0o755);
    expect(statSync(join(out, "stack-hold-image-volumes.sh")).mode & 0o777).toBe(0o755);
    expect(readFileSync(join(out, "cloud-config.yaml"), "utf8").startsWith("#cloud-config\n")).toBe(true);
  });

  it("lets the process environment win over .env", () => {
    const dir = project({ "docker-compose.yml": GOOD, ".env": "GREETING=from .env\n" });
    expect(cli(["docker-compose.yml", "-o", "out", "-p", "demo"], dir, { GREETING: "from the shell" }).status).toBe(0);
    expect(readFileSync(join(dir, "out", "env", "web.env"), "utf8")).toBe("GREETING=from the shell\n");
  });

  it("exits 1 on input errors, prints file:line:col, writes nothing and keeps a previous output intact", () => {
    const dir = project({ "docker-compose.yml": GOOD, "bad.yml": "services:\n  web:\n    image: nginx\n    depends_on: [db]\n" });
    expect(cli(["docker-compose.yml", "-o", "out", "-p", "demo"], dir).status).toBe(0);
    const before = readdirSync(join(dir, "out")).sort();
    const r = cli(["bad.yml", "-o", "out", "-p", "demo"], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('bad.yml:4:18: error undefined-reference: service "web" depends on undefined service "db"\n');
    expect(readdirSync(join(dir, "out")).sort()).toEqual(before);
    expect(cli(["bad.yml", "-o", "fresh"], dir).status).toBe(1);
    expect(existsSync(join(dir, "fresh"))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith("."))).toEqual([]);
  });

  it("exits 2 on usage errors without a stack trace", () => {
    const dir = project({ "docker-compose.yml": GOOD });
    const noOutput = cli(["docker-compose.yml"], dir);
    expect(noOutput.status).toBe(2);
    expect(noOutput.stderr).toMatch(/required option '-o, --output <dir>' not specified/);
    const unknown = cli(["docker-compose.yml", "-o", "out", "--frobnicate"], dir);
    expect(unknown.status).toBe(2);
    const missing = cli(["nope.yml", "-o", "out"], dir);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe("compose2units: cannot read nope.yml\n");
    for (const r of [noOutput, unknown, missing]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("takes --env-file itself, not node (which would otherwise claim the flag)", () => {
    const dir = project({ "docker-compose.yml": GOOD, "vars.env": "GREETING=from vars.env\n" });
    const missing = cli(["docker-compose.yml", "--env-file", "nope.env", "-o", "out"], dir);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^compose2units: /);
    expect(cli(["docker-compose.yml", "--env-file", "vars.env", "-o", "out", "-p", "demo"], dir).status).toBe(0);
    expect(readFileSync(join(dir, "out", "env", "web.env"), "utf8")).toBe("GREETING=from vars.env\n");
  });

  it("refuses to replace a folder it did not write", () => {
    const dir = project({ "docker-compose.yml": GOOD });
    mkdirSync(join(dir, "out"));
    writeFileSync(join(dir, "out", "notes.txt"), "mine");
    const r = cli(["docker-compose.yml", "-o", "out"], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/refusing to replace .*out: it is not empty and was not written by compose2units/);
    expect(readFileSync(join(dir, "out", "notes.txt"), "utf8")).toBe("mine");
  });

  it("reads a compose file given as - from standard input, resolving its paths against the current folder", () => {
    const dir = project({ "vars.env": "GREETING=from vars.env\n", ".env": "TAG=1.25\n" });
    const stack = "services:\n  web:\n    image: nginx:${TAG}\n    env_file: vars.env\n";
    const r = spawnSync(BIN, ["-", "-o", "out"], { cwd: dir, encoding: "utf8", input: stack, env: { PATH: process.env.PATH } });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    // The project is named after the current folder, as docker compose names it.
    const name = dir
      .slice(dir.lastIndexOf("/") + 1)
      .toLowerCase()
      .replace(/[^a-z0-9_-]/g, "");
    expect(readFileSync(join(dir, "out", "env", "web.env"), "utf8")).toBe("GREETING=from vars.env\n");
    const unit = readFileSync(join(dir, "out", `${name}-web.service`), "utf8");
    expect(unit).toMatch(/^# Generated by compose2units from <stdin> /);
    expect(unit).toContain(" nginx:1.25\n");
    const config = spawnSync(BIN, ["config", "-f", "-", "--project-directory", "sub", "-p", "x"], {
      cwd: dir,
      encoding: "utf8",
      input: "services:\n  web:\n    image: nginx\n    volumes: ['./data:/data']\n",
      env: { PATH: process.env.PATH },
    });
    expect(config.status).toBe(0);
    expect(config.stdout).toContain(`source: ${join(dir, "sub", "data")}`);
  });

  it("names standard input <stdin> in diagnostics, and refuses it twice", () => {
    const dir = project({});
    const r = spawnSync(BIN, ["-f", "-", "-o", "out"], {
      cwd: dir,
      encoding: "utf8",
      input: "services:\n  web:\n    image: [\n",
      env: { PATH: process.env.PATH },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^<stdin>:\d+:\d+: error yaml-syntax: /);
    const twice = spawnSync(BIN, ["-", "-f", "-", "-o", "out"], { cwd: dir, encoding: "utf8", input: GOOD, env: { PATH: process.env.PATH } });
    expect(twice.status).toBe(2);
    expect(twice.stderr).toBe("compose2units: standard input (-) can be given only once\n");
    expect(existsSync(join(dir, "out"))).toBe(false);
  });

  it("-o - writes the cloud-config alone to standard output, and nothing to disk", () => {
    const dir = project({ "docker-compose.yml": GOOD, ".env": "GREETING=hi\n" });
    const r = cli(["docker-compose.yml", "-p", "stack", "-o", "-"], dir);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(cli(["docker-compose.yml", "-p", "stack", "-o", "out"], dir).status).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(dir, "out", "cloud-config.yaml"), "utf8"));
    expect(readdirSync(dir).sort()).toEqual([".env", "docker-compose.yml", "out"]);
  });

  it("-o - with an option that needs a folder is a usage error", () => {
    const dir = project({ "docker-compose.yml": GOOD });
    for (const extra of [["--nocloud", "seed"], ["--force"]]) {
      const r = cli(["docker-compose.yml", "-o", "-", ...extra], dir);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/^compose2units: -o - /);
    }
    expect(readdirSync(dir)).toEqual(["docker-compose.yml"]);
  });

  it("has --help with examples for every subcommand", () => {
    const dir = project({});
    for (const command of ["compile", "check", "diff", "config"]) {
      const help = cli([command, "--help"], dir);
      expect(help.status).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: compose2units ${command} `));
      expect(help.stdout).toMatch(/\nExamples:\n/);
      expect(help.stdout).toMatch(new RegExp(`\n  compose2units ${command === "compile" ? "compile" : command}\\b`));
      expect(help.stdout).toMatch(/\nExit codes: /);
    }
    const top = cli(["--help"], dir).stdout;
    for (const command of ["compile", "check", "diff", "config"]) expect(top).toMatch(new RegExp(`\n  ${command}\\b`));
  });

  it("prints the version in package.json for --version and -V", () => {
    const dir = project({});
    const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    expect(cli(["--version"], dir)).toEqual({ status: 0, stdout: version + "\n", stderr: "" });
    expect(cli(["-V"], dir).stdout).toBe(version + "\n");
  });

  it("answers --help and --version with exit 0", () => {
    const dir = project({});
    const help = cli(["--help"], dir);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: compose2units/);
    expect(help.stdout).toMatch(/Examples:/);
    expect(cli(["--version"], dir).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

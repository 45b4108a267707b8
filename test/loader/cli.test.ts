// @module-tag real
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { main } from "../../src/cli/main.js";

/** The CLI's project loading (-f, COMPOSE_FILE, discovery, --env-file) and its config command, as users run it. */
const BIN = new URL("../../bin/compose2units", import.meta.url).pathname;

function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, ["--", BIN, ...args], { cwd, encoding: "utf8", env: { PATH: process.env.PATH, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const folders: string[] = [];
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "c2u-loader-cli-"));
  folders.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

const BASE = "services:\n  web:\n    image: nginx:${TAG:-1.25}\n    ports: ['8080:80']\n";
const PROD = "services:\n  web:\n    ports: ['443:443']\n  cache:\n    image: redis:7\n";

const configOf = (stdout: string) => parse(stdout) as { name: string; services: Record<string, { image: string; ports?: { published: string }[] }> };

describe("compose2units config", () => {
  it("prints the merged, normalized project of repeated -f files as YAML", () => {
    const dir = folder({ "compose.yaml": BASE, "compose.prod.yaml": PROD });
    const r = cli(["config", "-f", "compose.yaml", "-f", "compose.prod.yaml", "-p", "shop"], dir);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const doc = configOf(r.stdout);
    expect(doc.name).toBe("shop");
    expect(Object.keys(doc.services)).toEqual(["cache", "web"]);
    expect(doc.services.web!.ports!.map((p) => p.published)).toEqual(["8080", "443"]);
  });

  it("finds compose.yaml and its override file without -f, in this folder or above", () => {
    const dir = folder({ "compose.yaml": BASE, "compose.override.yml": PROD, "sub/dir/.keep": "" });
    const r = cli(["config"], join(dir, "sub", "dir"));
    expect(r.status).toBe(0);
    expect(Object.keys(configOf(r.stdout).services)).toEqual(["cache", "web"]);
  });

  it("reads COMPOSE_FILE, COMPOSE_PROJECT_NAME and COMPOSE_PROFILES from the environment", () => {
    const dir = folder({ "a.yml": BASE, "b.yml": "services:\n  tool:\n    image: busybox\n    profiles: [tools]\n" });
    const r = cli(["config"], dir, { COMPOSE_FILE: "a.yml:b.yml", COMPOSE_PROJECT_NAME: "envname", COMPOSE_PROFILES: "tools" });
    expect(r.stderr).toBe("");
    expect(configOf(r.stdout).name).toBe("envname");
    expect(Object.keys(configOf(r.stdout).services)).toEqual(["tool", "web"]);
  });

  it("--env-file (repeatable) replaces .env; the process environment wins over both", () => {
    const dir = folder({ "compose.yaml": BASE, ".env": "TAG=dotenv\n", "a.env": "TAG=a\n", "b.env": "TAG=b\n" });
    expect(configOf(cli(["config", "-p", "x"], dir).stdout).services.web!.image).toBe("nginx:dotenv");
    expect(configOf(cli(["config", "-p", "x", "--env-file", "a.env", "--env-file", "b.env"], dir).stdout).services.web!.image).toBe("nginx:b");
    expect(configOf(cli(["config", "-p", "x", "--env-file", "a.env"], dir, { TAG: "shell" }).stdout).services.web!.image).toBe("nginx:shell");
  });

  it("selects services like docker compose config SERVICE...", () => {
    const dir = folder({ "compose.yaml": "services:\n  web:\n    image: nginx\n    depends_on: [api]\n  api:\n    image: api\n  other:\n    image: other\n" });
    expect(Object.keys(configOf(cli(["config", "-p", "x", "web"], dir).stdout).services)).toEqual(["api", "web"]);
  });

  it("exits 1 with located diagnostics on input errors, printing nothing", () => {
    const dir = folder({ "compose.yaml": BASE, "bad.yaml": "services:\n  web:\n    restart: sometimes\n" });
    const r = cli(["config", "-f", "compose.yaml", "-f", "bad.yaml", "-p", "x"], dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe('bad.yaml:3:14: error invalid-value: invalid restart policy "sometimes": expected no, always, unless-stopped or on-failure[:N]\n');
  });

  it("exits 2 on usage errors: an unreadable file, an unreadable --env-file, an invalid -p", async () => {
    const dir = folder({ "compose.yaml": BASE });
    expect(cli(["config", "-f", "nope.yaml"], dir)).toMatchObject({ status: 2, stderr: "compose2units: cannot read nope.yaml\n" });
    expect(cli(["config", "-p", "My App"], dir)).toMatchObject({
      status: 2,
      stderr: 'compose2units: invalid project name "My App": use lowercase letters, digits, "-" and "_", starting with a letter or digit\n',
    });
    expect(cli(["config", "--frobnicate"], dir).status).toBe(2);
    // In process: Node 20 itself claims a missing --env-file anywhere on its command line (exit 9) before the CLI runs.
    const stderr: string[] = [];
    const io = { stdout: () => {}, stderr: (t: string) => void stderr.push(t), env: {}, cwd: dir, readStdin: () => "", stdoutIsTTY: false, stderrIsTTY: false };
    const code = await main(["config", "--env-file", "nope.env"], io);
    expect({ code, stderr: stderr.join("") }).toEqual({ code: 2, stderr: "compose2units: cannot read env file nope.env\n" });
  });
});

describe("compiling with the new loading options", () => {
  it("the positional file still works, and -f adds override files", () => {
    const dir = folder({ "docker-compose.yml": BASE, "prod.yml": PROD });
    const r = cli(["docker-compose.yml", "-f", "prod.yml", "-o", "out", "-p", "shop"], dir);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(existsSync(join(dir, "out", "shop-cache.service"))).toBe(true);
    expect(readFileSync(join(dir, "out", "shop-web.service"), "utf8")).toMatch(/--publish 443:443\/tcp/);
  });

  it("compiles the discovered project when no file is named", () => {
    const dir = folder({ "compose.yaml": BASE });
    const r = cli(["-o", "out", "-p", "found"], dir);
    expect(r.status).toBe(0);
    expect(existsSync(join(dir, "out", "found-web.service"))).toBe(true);
  });

  it("the compile command can be named", () => {
    const dir = folder({ "compose.yaml": BASE });
    expect(cli(["compile", "-f", "compose.yaml", "-o", "out", "-p", "named"], dir).status).toBe(0);
    expect(existsSync(join(dir, "out", "named-web.service"))).toBe(true);
  });
});

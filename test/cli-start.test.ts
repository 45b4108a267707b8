// @module-tag real
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, projectDir } from "./support/cli-run.js";

const ROOT = new URL("..", import.meta.url).pathname;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/**
 * Node.js 20 reads `--env-file F` from its command line even after the script's name, and takes
 * NODE_OPTIONS from F: `--require` there runs a module before the CLI does. Each way of starting
 * the CLI that the README and the npm scripts use must leave `--env-file` to compose2units.
 */
function setUp() {
  const dir = projectDir({ "compose.yml": "services:\n  web:\n    image: nginx:${TAG}\n" }, "c2u-start-");
  dirs.push(dir);
  const marker = join(dir, "evil-ran");
  writeFileSync(join(dir, "evil.cjs"), `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "ran");\n`);
  writeFileSync(join(dir, "vars.env"), `TAG=1.27\nNODE_OPTIONS=--require ${join(dir, "evil.cjs")}\n`);
  // Where npm puts the command for a package that depends on compose2units.
  mkdirSync(join(dir, "node_modules", ".bin"), { recursive: true });
  symlinkSync(BIN, join(dir, "node_modules", ".bin", "compose2units"));
  return { dir, marker };
}

function run(command: string, args: string[], cwd: string) {
  return spawnSync(command, args, { cwd, encoding: "utf8", env: { PATH: process.env.PATH } });
}

describe("starting the CLI with --env-file runs nothing from the env file", () => {
  const ways: [string, string, (dir: string) => string[]][] = [
    ["bin/compose2units, the executable", BIN, () => []],
    ["compose2units as npm installs it (a symlink to the executable)", "", (dir) => [join(dir, "node_modules", ".bin", "compose2units")]],
    ["node -- bin/compose2units", process.execPath, () => ["--", BIN]],
  ];
  for (const [name, command, prefix] of ways) {
    for (const form of [["--env-file", "vars.env"], ["--env-file=vars.env"]]) {
      it(`${name}, ${form.join(" ")}`, () => {
        const { dir, marker } = setUp();
        const [exe, ...lead] = command === "" ? prefix(dir) : [command, ...prefix(dir)];
        const r = run(exe!, [...lead, "config", "-f", "compose.yml", "-p", "x", ...form], dir);
        expect(r.stderr).toBe("");
        expect(r.status).toBe(0);
        expect(r.stdout).toContain("image: nginx:1.27");
        expect(existsSync(marker)).toBe(false);
      });
    }
  }

  it("started as node bin/compose2units ... --env-file F, it refuses to go on and says how to start it", () => {
    const { dir } = setUp();
    for (const form of [["--env-file", "vars.env"], ["--env-file=vars.env"]]) {
      const r = run(process.execPath, [BIN, "config", "-f", "compose.yml", "-p", "x", ...form], dir);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain("Node.js itself has read FILE");
      expect(r.stderr).toContain("`node -- bin/compose2units ...`");
    }
    // Without --env-file nothing is refused, and after `--` Node.js reads none of the arguments.
    expect(run(process.execPath, [BIN, "config", "-f", "compose.yml", "-p", "x"], dir).status).toBe(0);
  });

  it("every npm script and the benchmark start scripts after `--` or as executables", () => {
    const scripts = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    const starts = Object.entries(scripts).flatMap(([name, text]) =>
      [...text.matchAll(/\bnode\b([^&|;]*?)\bbin\/compose2units\b/g)].map((m) => [name, m[1]!.trim()]),
    );
    expect(starts.length).toBeGreaterThan(0);
    for (const [name, between] of starts) expect(between, `npm script ${name}`).toBe("--");
    const bench = readFileSync(join(ROOT, "bench", "run.mjs"), "utf8");
    const calls = [...bench.matchAll(/nodeProcess\(\[([^\]]*)\]/g)].map((m) => m[1]!.trim());
    expect(calls.length).toBeGreaterThan(1);
    for (const args of calls) expect(args.startsWith('"--"') || args.startsWith('"-e"'), args).toBe(true);
    expect(readFileSync(BIN, "utf8").split("\n")[0]).toBe("#!/usr/bin/env -S node --");
  });
});

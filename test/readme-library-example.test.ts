// @module-tag real
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The example in README.md's Library section, run as a user's build script
 * would run it: an .mjs file importing "compose2units" from node_modules
 * (a link to this checkout, so its package.json `exports` and the built
 * dist/ are what resolve). Its output must be the block that follows it.
 */
const ROOT = new URL("..", import.meta.url).pathname;

function librarySection(): string {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const start = readme.indexOf("\n## Library\n");
  expect(start).toBeGreaterThan(0);
  const end = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

function fencedBlocks(text: string, language: string): string[] {
  const blocks: string[] = [];
  const fence = new RegExp("^```" + language + "\\n([\\s\\S]*?)^```$", "gm");
  for (const m of text.matchAll(fence)) blocks.push(m[1]!);
  return blocks;
}

function installedExample(): string {
  const dir = mkdtempSync(join(tmpdir(), "c2u-readme-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(ROOT, join(dir, "node_modules", "compose2units"));
  writeFileSync(join(dir, "package.json"), '{"type": "module", "private": true}\n');
  const [code] = fencedBlocks(librarySection(), "js");
  expect(code).toBeDefined();
  writeFileSync(join(dir, "build.mjs"), code!);
  return dir;
}

describe("README Library example", () => {
  it("runs against the built package and prints what the README says", () => {
    const dir = installedExample();
    const [expected] = fencedBlocks(librarySection(), "text");
    const r = spawnSync(process.execPath, ["build.mjs"], { cwd: dir, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(expected);
  });

  it("type-checks against the package's declarations, found through its exports", () => {
    const dir = installedExample();
    // A wrong call beside it shows that the declarations are really checked.
    writeFileSync(join(dir, "wrong.mjs"), 'import { compile } from "compose2units";\ncompile({ path: "x.yaml", content: 1 }, { projectName: 2 });\n');
    const compilerOptions = {
      noEmit: true,
      strict: true,
      allowJs: true,
      checkJs: true,
      module: "nodenext",
      moduleResolution: "nodenext",
      target: "es2022",
      lib: ["es2022", "dom"],
      types: [],
    };
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, files: ["build.mjs", "wrong.mjs"] }));
    const r = spawnSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], { cwd: dir, encoding: "utf8" });
    const reported = r.stdout.split("\n").filter((l) => /^\S+\.mjs\(/.test(l));
    expect(reported.filter((l) => !l.startsWith("wrong.mjs(2,"))).toEqual([]);
    expect(reported.length).toBeGreaterThan(0);
  }, 60_000);
});

describe("README Example", () => {
  it("shows the proxy unit exactly as compose2units writes it for the bundled example (without its header comment)", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const start = readme.indexOf("\n## Example\n");
    expect(start).toBeGreaterThan(0);
    const [shown] = fencedBlocks(readme.slice(start, readme.indexOf("\n## ", start + 1)), "ini");
    const written = readFileSync(join(ROOT, "fixtures/identidock-v1/expected/identidock-proxy.service"), "utf8");
    expect(shown).toBe(written.replace(/^(#[^\n]*\n)+\n/, ""));
  });
});

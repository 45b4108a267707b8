import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { OutputFile } from "../src/index.js";
import { MANIFEST, OutputDirError, planOutputDir, writeOutputDir } from "../src/cli/write-output.js";
import { cliProcess, projectDir } from "./support/cli-run.js";

/** Each test starts the CLI several times; a busy machine must not fail them. */
const SLOW = { timeout: 60_000 };

const file = (path: string, content: string, permissions: OutputFile["permissions"] = "0644"): OutputFile => ({ path, content, permissions });

function fresh(): string {
  return join(mkdtempSync(join(tmpdir(), "c2u-out-")), "out");
}

function manifest(dir: string): string[] {
  return readFileSync(join(dir, MANIFEST), "utf8").split("\n").filter((l) => l !== "" && !l.startsWith("#"));
}

describe("writing the output folder", () => {
  it("creates the folder with every file, its permissions and a manifest listing them", () => {
    const dir = fresh();
    writeOutputDir(dir, [file("a.service", "A\n"), file("env/web.env", "X=1\n", "0600"), file("run.sh", "#!/bin/sh\n", "0755")]);
    expect(readdirSync(dir).sort()).toEqual([MANIFEST, "a.service", "env", "run.sh"]);
    expect(statSync(join(dir, "env", "web.env")).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "run.sh")).mode & 0o777).toBe(0o755);
    expect(manifest(dir)).toEqual(["a.service", "env/web.env", "run.sh"]);
    expect(readdirSync(join(dir, ".."))).toEqual(["out"]);
  });

  it("gives every file its declared permissions also under a umask that would narrow them, in a new folder and an existing one", () => {
    const previous = process.umask(0o077);
    try {
      const dir = fresh();
      writeOutputDir(dir, [file("a.service", "A\n"), file("run.sh", "#!/bin/sh\n", "0755")]);
      expect(statSync(join(dir, "a.service")).mode & 0o777).toBe(0o644);
      expect(statSync(join(dir, "run.sh")).mode & 0o777).toBe(0o755);
      writeOutputDir(dir, [file("a.service", "A2\n"), file("b.service", "B\n"), file("run.sh", "#!/bin/sh\n", "0755")]);
      expect(statSync(join(dir, "a.service")).mode & 0o777).toBe(0o644);
      expect(statSync(join(dir, "b.service")).mode & 0o777).toBe(0o644);
    } finally {
      process.umask(previous);
    }
  });

  it("removes files it generated before and no longer generates, with the folders they leave empty", () => {
    const dir = fresh();
    writeOutputDir(dir, [file("a.service", "A\n"), file("env/web.env", "X=1\n", "0600"), file("b.service", "B\n")]);
    writeOutputDir(dir, [file("a.service", "A2\n")]);
    expect(readdirSync(dir).sort()).toEqual([MANIFEST, "a.service"]);
    expect(readFileSync(join(dir, "a.service"), "utf8")).toBe("A2\n");
    expect(manifest(dir)).toEqual(["a.service"]);
  });

  it("leaves files it did not write alone, also in its own subfolders", () => {
    const dir = fresh();
    writeOutputDir(dir, [file("a.service", "A\n"), file("env/web.env", "X=1\n", "0600")]);
    writeFileSync(join(dir, "README.md"), "my notes\n");
    writeFileSync(join(dir, "env", "keep.txt"), "mine\n");
    writeOutputDir(dir, [file("b.service", "B\n")]);
    expect(readdirSync(dir).sort()).toEqual([MANIFEST, "README.md", "b.service", "env"]);
    expect(readdirSync(join(dir, "env"))).toEqual(["keep.txt"]);
    expect(readFileSync(join(dir, "README.md"), "utf8")).toBe("my notes\n");
  });

  it("does not rewrite files whose content and permissions are unchanged", () => {
    const dir = fresh();
    writeOutputDir(dir, [file("a.service", "A\n"), file("b.service", "B\n")]);
    const before = statSync(join(dir, "a.service"));
    writeOutputDir(dir, [file("a.service", "A\n"), file("b.service", "B2\n")]);
    const after = statSync(join(dir, "a.service"));
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    expect(statSync(join(dir, "b.service")).ino).not.toBe(before.ino);
    const plan = planOutputDir(dir, [file("a.service", "A\n"), file("b.service", "B2\n")]);
    expect(plan.changes).toEqual([]);
  });

  it("fixes permissions of an unchanged file", () => {
    const dir = fresh();
    writeOutputDir(dir, [file("env/web.env", "X=1\n", "0644")]);
    writeOutputDir(dir, [file("env/web.env", "X=1\n", "0600")]);
    expect(statSync(join(dir, "env", "web.env")).mode & 0o777).toBe(0o600);
  });

  it("refuses a non-empty folder without a manifest, writing nothing, and writes into it with force", () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(join(dir, "notes.txt"), "mine\n");
    expect(() => writeOutputDir(dir, [file("a.service", "A\n")])).toThrow(OutputDirError);
    expect(() => writeOutputDir(dir, [file("a.service", "A\n")])).toThrow(/refusing to replace .*: it is not empty and was not written by compose2units/);
    expect(readdirSync(dir)).toEqual(["notes.txt"]);
    writeOutputDir(dir, [file("a.service", "A\n")], { force: true });
    expect(readdirSync(dir).sort()).toEqual([MANIFEST, "a.service", "notes.txt"]);
    expect(manifest(dir)).toEqual(["a.service"]);
    // From now on the folder is ours: no --force needed, and notes.txt still is not.
    writeOutputDir(dir, [file("b.service", "B\n")]);
    expect(readdirSync(dir).sort()).toEqual([MANIFEST, "b.service", "notes.txt"]);
  });

  it("writes into an empty folder without a manifest", () => {
    const dir = fresh();
    mkdirSync(dir);
    writeOutputDir(dir, [file("a.service", "A\n")]);
    expect(manifest(dir)).toEqual(["a.service"]);
  });

  it("refuses to overwrite a file it did not write that has a generated name, unless forced", () => {
    const dir = fresh();
    writeOutputDir(dir, [file("a.service", "A\n")]);
    writeFileSync(join(dir, "b.service"), "hand-written\n");
    expect(() => writeOutputDir(dir, [file("a.service", "A2\n"), file("b.service", "B\n")])).toThrow(/did not write: b\.service/);
    expect(readFileSync(join(dir, "a.service"), "utf8")).toBe("A\n");
    expect(readFileSync(join(dir, "b.service"), "utf8")).toBe("hand-written\n");
    writeOutputDir(dir, [file("a.service", "A2\n"), file("b.service", "B\n")], { force: true });
    expect(readFileSync(join(dir, "b.service"), "utf8")).toBe("B\n");
    expect(manifest(dir)).toEqual(["a.service", "b.service"]);
  });

  it("refuses a manifest that names a path outside the folder, and deletes nothing", () => {
    const root = mkdtempSync(join(tmpdir(), "c2u-out-"));
    const dir = join(root, "out");
    mkdirSync(dir);
    writeFileSync(join(root, "precious"), "keep\n");
    writeFileSync(join(dir, MANIFEST), "../precious\n");
    expect(() => writeOutputDir(dir, [file("a.service", "A\n")])).toThrow(/"\.\.\/precious" is not a path inside the folder/);
    expect(readFileSync(join(root, "precious"), "utf8")).toBe("keep\n");
    expect(existsSync(join(dir, "a.service"))).toBe(false);
  });

  it("cleans up staging left by an interrupted run and leaves none of its own", () => {
    const dir = fresh();
    writeOutputDir(dir, [file("a.service", "A\n")]);
    mkdirSync(join(dir, ".compose2units-staging-abc123"));
    writeFileSync(join(dir, ".compose2units-staging-abc123", "0"), "half");
    writeOutputDir(dir, [file("a.service", "A2\n")]);
    expect(readdirSync(dir).sort()).toEqual([MANIFEST, "a.service"]);
  });

  it("refuses when a generated file's folder is a file, before writing anything", () => {
    const dir = fresh();
    writeOutputDir(dir, [file("a.service", "A\n")]);
    writeFileSync(join(dir, "env"), "not a folder\n");
    expect(() => writeOutputDir(dir, [file("a.service", "A2\n"), file("env/web.env", "X\n", "0600")])).toThrow(/env is not a folder/);
    expect(readFileSync(join(dir, "a.service"), "utf8")).toBe("A\n");
  });
});

describe("the CLI's output folder", SLOW, () => {
  const ONE = "services:\n  web:\n    image: nginx:1.25\n    environment: {A: b}\n";
  const TWO = "services:\n  api:\n    image: api:2\n";

  it("re-running removes what is no longer generated and keeps the user's README.md", () => {
    const dir = projectDir({ "one.yaml": ONE, "two.yaml": TWO });
    expect(cliProcess(["one.yaml", "-p", "s", "-o", "out"], dir).status).toBe(0);
    writeFileSync(join(dir, "out", "README.md"), "deployed by hand\n");
    const r = cliProcess(["two.yaml", "-p", "s", "-o", "out"], dir);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const files = readdirSync(join(dir, "out")).sort();
    expect(files).toContain("README.md");
    expect(files).toContain("s-api.service");
    expect(files).not.toContain("s-web.service");
    expect(files).not.toContain("env");
  });

  it("refuses a foreign folder with exit 2 and accepts it with --force", () => {
    const dir = projectDir({ "one.yaml": ONE, "out/notes.txt": "mine" });
    const refused = cliProcess(["one.yaml", "-o", "out"], dir);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/--force/);
    expect(readdirSync(join(dir, "out"))).toEqual(["notes.txt"]);
    expect(cliProcess(["one.yaml", "-o", "out", "--force"], dir).status).toBe(0);
    expect(readdirSync(join(dir, "out"))).toContain("notes.txt");
    expect(readdirSync(join(dir, "out"))).toContain("cloud-config.yaml");
  });

  it("checks every output folder before writing any", () => {
    const dir = projectDir({ "one.yaml": ONE, "seed/notes.txt": "mine" });
    const r = cliProcess(["one.yaml", "-o", "out", "--nocloud", "seed"], dir);
    expect(r.status).toBe(2);
    expect(existsSync(join(dir, "out"))).toBe(false);
  });
});

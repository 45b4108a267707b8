import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import type { OutputFile } from "../src/index.js";
import { asOutputDirError } from "../src/cli/output-fs.js";
import { lockPathFor } from "../src/cli/output-lock.js";
import { MANIFEST, OutputDirError, planOutputDir, writeOutputDir } from "../src/cli/write-output.js";
import { cliProcess, projectDir } from "./support/cli-run.js";
import { REAL } from "./support/real-tag.js";

/** Each test starts the CLI several times; a busy machine must not fail them. */
const SLOW = { timeout: 60_000 };

const file = (path: string, content: string, permissions: OutputFile["permissions"] = "0644"): OutputFile => ({ path, content, permissions });

function fresh(): string {
  return join(mkdtempSync(join(tmpdir(), "c2u-out-")), "out");
}

function manifest(dir: string): string[] {
  return readFileSync(join(dir, MANIFEST), "utf8")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"));
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

describe("the CLI's output folder", { ...SLOW, tags: [REAL] }, () => {
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

describe("symbolic links in the output folder are never followed", () => {
  /** An output folder written once, beside a folder outside it with a file that must survive. */
  function setUp(): { dir: string; outside: string } {
    const root = mkdtempSync(join(tmpdir(), "c2u-out-"));
    const dir = join(root, "out");
    const outside = join(root, "outside");
    mkdirSync(outside);
    writeFileSync(join(outside, "web.env"), "precious\n");
    writeFileSync(join(outside, "x.service"), "precious\n");
    writeOutputDir(dir, [file("a.service", "A\n"), file("env/web.env", "X=1\n", "0600")]);
    return { dir, outside };
  }
  const outsideUntouched = (outside: string) => {
    expect(readdirSync(outside).sort()).toEqual(["web.env", "x.service"]);
    expect(readFileSync(join(outside, "web.env"), "utf8")).toBe("precious\n");
    expect(statSync(join(outside, "web.env")).mode & 0o777).toBe(0o644);
  };

  it("refuses a linked subfolder where generated files go, and writes nothing, even with force", () => {
    const { dir, outside } = setUp();
    rmSync(join(dir, "env"), { recursive: true });
    symlinkSync(outside, join(dir, "env"));
    for (const force of [false, true]) {
      expect(() => writeOutputDir(dir, [file("a.service", "A2\n"), file("env/web.env", "X=2\n", "0600")], { force })).toThrow(
        /env is a symbolic link, and compose2units does not follow links/,
      );
    }
    outsideUntouched(outside);
    expect(readFileSync(join(dir, "a.service"), "utf8")).toBe("A\n");
  });

  it("refuses a link in a generated file's place, so neither writing nor chmod reaches its target", () => {
    const { dir, outside } = setUp();
    rmSync(join(dir, "env", "web.env"));
    symlinkSync(join(outside, "web.env"), join(dir, "env", "web.env"));
    // Same content, other mode: the old writer only chmod-ed, through the link.
    expect(() => writeOutputDir(dir, [file("a.service", "A\n"), file("env/web.env", "precious\n", "0600")])).toThrow(/web\.env is a symbolic link/);
    expect(() => writeOutputDir(dir, [file("a.service", "A\n"), file("env/web.env", "other\n", "0600")], { force: true })).toThrow(/symbolic link/);
    outsideUntouched(outside);
  });

  it("refuses a manifest line that goes through a linked folder, and deletes nothing outside", () => {
    const { dir, outside } = setUp();
    symlinkSync(outside, join(dir, "old"));
    writeFileSync(join(dir, MANIFEST), "a.service\nenv/web.env\nold/x.service\n");
    expect(() => writeOutputDir(dir, [file("a.service", "A\n")])).toThrow(/old is a symbolic link/);
    outsideUntouched(outside);
    expect(existsSync(join(dir, "env", "web.env"))).toBe(true);
  });

  it("refuses a manifest that is a link", () => {
    const { dir, outside } = setUp();
    const planted = join(dirname(outside), "m");
    writeFileSync(planted, "x.service\n");
    rmSync(join(dir, MANIFEST));
    symlinkSync(planted, join(dir, MANIFEST));
    expect(() => writeOutputDir(dir, [file("a.service", "A\n")])).toThrow(/symbolic link/);
    expect(readFileSync(planted, "utf8")).toBe("x.service\n");
    outsideUntouched(outside);
  });

  it("removes links left under staging names without following them, and writes its manifest through no link", () => {
    const { dir, outside } = setUp();
    // The name the old writer used for the manifest's temporary copy, and a staging folder, both planted as links.
    symlinkSync(join(outside, "web.env"), join(dir, ".compose2units-staging-manifest"));
    symlinkSync(outside, join(dir, ".compose2units-staging-abc123"));
    writeOutputDir(dir, [file("a.service", "A2\n"), file("env/web.env", "X=2\n", "0600")]);
    outsideUntouched(outside);
    expect(readdirSync(dir).sort()).toEqual([MANIFEST, "a.service", "env"]);
    expect(manifest(dir)).toEqual(["a.service", "env/web.env"]);
  });

  it("refuses a FIFO where a generated file or the manifest goes, at once instead of waiting on it", () => {
    const { dir } = setUp();
    rmSync(join(dir, "a.service"));
    execFileSync("mkfifo", [join(dir, "a.service")]);
    expect(() => writeOutputDir(dir, [file("a.service", "A\n")])).toThrow(/a\.service is not a regular file/);
    rmSync(join(dir, "a.service"));
    rmSync(join(dir, MANIFEST));
    execFileSync("mkfifo", [join(dir, MANIFEST)]);
    expect(() => writeOutputDir(dir, [file("a.service", "A\n")])).toThrow(/manifest.*is not a regular file/);
  });
});

describe("the manifest and the generated paths are checked before anything uses them", () => {
  it.each([
    ["an absolute path", "/etc/passwd"],
    ["a .. segment", "env/../../precious"],
    ["a . segment", "./a.service"],
    ["an empty segment", "env//web.env"],
    ["a trailing slash", "env/"],
    ["compose2units' own name", ".compose2units-staging-x/0"],
    ["the manifest itself", MANIFEST],
  ])("refuses a manifest with %s, and deletes nothing", (_what, line) => {
    const root = mkdtempSync(join(tmpdir(), "c2u-out-"));
    const dir = join(root, "out");
    writeOutputDir(dir, [file("a.service", "A\n"), file("env/web.env", "X=1\n", "0600")]);
    writeFileSync(join(dir, MANIFEST), `a.service\n${line}\nenv/web.env\n`);
    writeFileSync(join(root, "precious"), "keep\n");
    expect(() => writeOutputDir(dir, [file("b.service", "B\n")])).toThrow(new RegExp(`${MANIFEST}:2: .* is not a path inside the folder`));
    expect(readdirSync(dir).sort()).toEqual([MANIFEST, "a.service", "env"]);
    expect(readFileSync(join(root, "precious"), "utf8")).toBe("keep\n");
  });

  it.each([
    ["a name longer than the file system takes", `env/${"x".repeat(256)}.env`, /is 260 bytes long, over the 255/],
    ["a .. segment", "../escape.service", /"\." or "\.\." segment/],
    ["an absolute path", "/etc/escape.service", /absolute/],
    ["the manifest's name", MANIFEST, /compose2units' own/],
  ])("refuses to generate %s, before writing anything, in a new folder and in an existing one", (_what, path, message) => {
    const dir = fresh();
    const files = [file("a.service", "A2\n"), file(path, "X\n", "0600")];
    expect(() => writeOutputDir(dir, files)).toThrow(message);
    expect(readdirSync(join(dir, ".."))).toEqual([]);
    writeOutputDir(dir, [file("a.service", "A\n")]);
    expect(() => writeOutputDir(dir, files)).toThrow(message);
    expect(readdirSync(dir).sort()).toEqual([MANIFEST, "a.service"]);
    expect(readFileSync(join(dir, "a.service"), "utf8")).toBe("A\n");
  });

  it("refuses a path generated twice, and one that is both a file and a folder", () => {
    expect(() => writeOutputDir(fresh(), [file("a.service", "A\n"), file("a.service", "B\n")])).toThrow(/generated twice/);
    expect(() => writeOutputDir(fresh(), [file("env", "A\n"), file("env/web.env", "B\n")])).toThrow(/both a file and a folder/);
  });

  it("refuses to create a folder whose parent is a file", () => {
    const root = mkdtempSync(join(tmpdir(), "c2u-out-"));
    writeFileSync(join(root, "file"), "x\n");
    expect(() => writeOutputDir(join(root, "file", "out"), [file("a.service", "A\n")])).toThrow(OutputDirError);
    expect(() => writeOutputDir(join(root, "file", "out"), [file("a.service", "A\n")])).toThrow(/file is not a folder/);
    expect(readdirSync(root)).toEqual(["file"]);
  });
});

describe("folders that hold files only their owner may read", () => {
  const files = [
    file("a.service", "A\n"),
    file("env/web.env", "X=1\n", "0600"),
    file("env/hooks/web/post_start-1.env", "Y\n", "0600"),
    file("configs/web/app", "C\n"),
  ];
  const modeOf = (path: string) => statSync(path).mode & 0o777;

  it("are made 0700, in a new folder and an existing one; others 0755", () => {
    const previous = process.umask(0o022);
    try {
      const dir = fresh();
      writeOutputDir(dir, files);
      expect([modeOf(join(dir, "env")), modeOf(join(dir, "env", "hooks", "web")), modeOf(join(dir, "configs", "web")), modeOf(dir)]).toEqual([
        0o700, 0o700, 0o755, 0o755,
      ]);
      const other = fresh();
      writeOutputDir(other, [file("a.service", "A\n")]);
      writeOutputDir(other, files);
      expect([modeOf(join(other, "env")), modeOf(join(other, "env", "hooks", "web")), modeOf(join(other, "configs", "web"))]).toEqual([0o700, 0o700, 0o755]);
    } finally {
      process.umask(previous);
    }
  });

  it("are narrowed to 0700 when an earlier run left them 0755", () => {
    const dir = fresh();
    writeOutputDir(dir, files);
    chmodSync(join(dir, "env"), 0o755);
    writeOutputDir(dir, files);
    expect(modeOf(join(dir, "env"))).toBe(0o700);
  });
});

describe("the folder's lock", () => {
  it("is taken beside the folder and removed at the end", () => {
    const dir = fresh();
    writeOutputDir(dir, [file("a.service", "A\n")]);
    expect(readdirSync(join(dir, ".."))).toEqual(["out"]);
  });

  it("waits for a live run, then refuses naming it; a stale lock from a dead process is taken over", () => {
    const dir = fresh();
    mkdirSync(dirname(dir), { recursive: true });
    writeFileSync(lockPathFor(dir), `${process.pid} ${hostname()}\n`);
    const started = Date.now();
    expect(() => writeOutputDir(dir, [file("a.service", "A\n")], { waitMs: 300 })).toThrow(
      /being written by another compose2units run \(process \d+ on .*\); if none is running, remove .*compose2units-lock/,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(existsSync(dir)).toBe(false);
    const dead = spawnSync("true").pid!;
    writeFileSync(lockPathFor(dir), `${dead} ${hostname()}\n`);
    writeOutputDir(dir, [file("a.service", "A\n")], { waitMs: 300 });
    expect(manifest(dir)).toEqual(["a.service"]);
    expect(readdirSync(join(dir, ".."))).toEqual(["out"]);
  });

  it("never judges a lock from another host stale", () => {
    const dir = fresh();
    mkdirSync(dirname(dir), { recursive: true });
    const dead = spawnSync("true").pid!;
    writeFileSync(lockPathFor(dir), `${dead} another-host.example\n`);
    expect(() => writeOutputDir(dir, [file("a.service", "A\n")], { waitMs: 100 })).toThrow(
      /another compose2units run \(process \d+ on another-host\.example\)/,
    );
    expect(existsSync(dir)).toBe(false);
  });

  it("refuses a lock that is a link", () => {
    const dir = fresh();
    mkdirSync(dirname(dir), { recursive: true });
    writeFileSync(join(dirname(dir), "target"), "x\n");
    symlinkSync(join(dirname(dir), "target"), lockPathFor(dir));
    expect(() => writeOutputDir(dir, [file("a.service", "A\n")], { waitMs: 100 })).toThrow(/lock .* is not a regular file/);
    expect(readFileSync(join(dirname(dir), "target"), "utf8")).toBe("x\n");
  });
});

describe("file-system errors", () => {
  it.each([
    ["ENOSPC", /no space left on the device \(ENOSPC\)/],
    ["EROFS", /the file system is read-only \(EROFS\)/],
    ["ENOTDIR", /a part of the path is not a folder \(ENOTDIR\)/],
    ["EACCES", /permission denied \(EACCES\)/],
    ["ENAMETOOLONG", /a name is too long for the file system \(ENAMETOOLONG\)/],
  ])("%s becomes a one-line OutputDirError", (code, message) => {
    const error = Object.assign(new Error(`${code}: something, open '/x'`), { code });
    const mapped = asOutputDirError(error, "cannot write /x/out");
    expect(mapped).toBeInstanceOf(OutputDirError);
    expect((mapped as Error).message).toMatch(message);
    expect((mapped as Error).message).toMatch(/^cannot write \/x\/out: /);
  });

  it("an error without a code is a bug and stays one", () => {
    const bug = new TypeError("x is undefined");
    expect(asOutputDirError(bug, "cannot write /x")).toBe(bug);
  });
});

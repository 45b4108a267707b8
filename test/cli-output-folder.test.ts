// @module-tag real
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { MANIFEST } from "../src/cli/write-output.js";
import { BIN, cliProcess, projectDir } from "./support/cli-run.js";

/** The README's promises about the output folder, through the built CLI. Each test starts it several times. */
const SLOW = { timeout: 120_000 };

const ONE = "services:\n  web:\n    image: nginx:1.25\n    environment: {A: b}\n";
const TWO =
  "services:\n  api:\n    image: api:2\n    environment: {B: c}\n  db:\n    image: postgres:16\n    secrets: [pw]\nsecrets:\n  pw: {file: ./pw.txt}\n";
const THREE = "services:\n  web:\n    image: nginx:1.27\n  worker:\n    image: worker:1\n    depends_on: [web]\n";
const INPUTS = { "one.yaml": ONE, "two.yaml": TWO, "three.yaml": THREE, "pw.txt": "hunter2\n" };

/** Every file below `dir`, as `mode content`, skipping nothing: leftovers of a run would show. */
function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (at: string) => {
    for (const e of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, e.name);
      if (e.isDirectory()) walk(path);
      else out.set(relative(dir, path), `${(statSync(path).mode & 0o777).toString(8)} ${readFileSync(path, "utf8")}`);
    }
  };
  walk(dir);
  return out;
}

const listed = (dir: string) =>
  readFileSync(join(dir, MANIFEST), "utf8")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"));
const noStackTrace = (stderr: string) => expect(stderr).not.toMatch(/^\s+at /m);

describe("the output folder and the --nocloud folder", SLOW, () => {
  it.each([
    ["the same folder", ["-o", "o", "--nocloud", "o"]],
    ["the same folder, spelled another way", ["-o", "o", "--nocloud", "./x/../o/"]],
    ["the seed inside the output folder", ["-o", "o", "--nocloud", "o/seed"]],
    ["the output folder inside the seed", ["-o", "seed/o", "--nocloud", "seed"]],
    ["the same folder through a link", ["-o", "o", "--nocloud", "alias"]],
  ])("may not be %s: exit 2, and the folder is left as it was", (_what, folders) => {
    const dir = projectDir(INPUTS);
    expect(cliProcess(["one.yaml", "-p", "s", "-o", "o"], dir).status).toBe(0);
    symlinkSync(join(dir, "o"), join(dir, "alias"));
    const before = tree(join(dir, "o"));
    const r = cliProcess(["one.yaml", "-p", "s", ...folders], dir);
    expect(r.stderr).toMatch(
      /^compose2units: the output folder \(.*\) and the --nocloud folder \(.*\) must be two different folders, neither inside the other/,
    );
    expect(r.status).toBe(2);
    expect(tree(join(dir, "o"))).toEqual(before);
    expect(existsSync(join(dir, "seed"))).toBe(false);
    const diff = cliProcess(["diff", "one.yaml", "-p", "s", ...folders], dir);
    expect([diff.status, diff.stdout]).toEqual([2, ""]);
  });
});

describe("an output folder that cannot be written", SLOW, () => {
  it("whose parent is a file: exit 2 with one line, nothing written", () => {
    const dir = projectDir({ ...INPUTS, file: "not a folder\n" });
    const r = cliProcess(["one.yaml", "-o", "file/out"], dir);
    expect(r.stderr).toMatch(/^compose2units: cannot create .*file\/out: .*file is not a folder\n$/);
    expect(r.status).toBe(2);
    expect(readFileSync(join(dir, "file"), "utf8")).toBe("not a folder\n");
  });

  it("a symbolic link where a generated folder goes: exit 2, nothing outside touched", () => {
    const dir = projectDir({ ...INPUTS, "elsewhere/web.env": "precious\n" });
    expect(cliProcess(["one.yaml", "-p", "s", "-o", "out"], dir).status).toBe(0);
    rmSync(join(dir, "out", "env"), { recursive: true });
    symlinkSync(join(dir, "elsewhere"), join(dir, "out", "env"));
    const r = cliProcess(["one.yaml", "-p", "s", "-o", "out", "--force"], dir);
    expect(r.stderr).toMatch(/^compose2units: refusing to write "env\/web.env" in .*: .*out\/env is a symbolic link/);
    expect(r.status).toBe(2);
    expect(readdirSync(join(dir, "elsewhere"))).toEqual(["web.env"]);
    expect(readFileSync(join(dir, "elsewhere", "web.env"), "utf8")).toBe("precious\n");
  });

  it("a link in the --nocloud folder is refused the same way, before the output folder is written", () => {
    const dir = projectDir({ ...INPUTS, "elsewhere/user-data": "precious\n" });
    expect(cliProcess(["one.yaml", "-p", "s", "-o", "out", "--nocloud", "seed"], dir).status).toBe(0);
    const before = tree(join(dir, "out"));
    rmSync(join(dir, "seed", "user-data"));
    symlinkSync(join(dir, "elsewhere", "user-data"), join(dir, "seed", "user-data"));
    const r = cliProcess(["two.yaml", "-p", "s", "-o", "out", "--nocloud", "seed"], dir);
    expect(r.stderr).toMatch(/user-data is a symbolic link/);
    expect(r.status).toBe(2);
    expect(tree(join(dir, "out"))).toEqual(before);
    expect(readFileSync(join(dir, "elsewhere", "user-data"), "utf8")).toBe("precious\n");
  });

  it("the folder named may itself be a link: it is written where the link points", () => {
    const dir = projectDir({ ...INPUTS, "real/.keep": "" });
    rmSync(join(dir, "real", ".keep"));
    symlinkSync(join(dir, "real"), join(dir, "current"));
    expect(cliProcess(["one.yaml", "-p", "s", "-o", "current"], dir)).toMatchObject({ status: 0, stderr: "" });
    expect(cliProcess(["two.yaml", "-p", "s", "-o", "current"], dir)).toMatchObject({ status: 0, stderr: "" });
    expect(listed(join(dir, "real"))).toContain("s-db.service");
  });

  it("env files and secrets are in 0700 folders", () => {
    const dir = projectDir(INPUTS);
    expect(cliProcess(["two.yaml", "-p", "s", "-o", "out"], dir).status).toBe(0);
    for (const folder of readdirSync(join(dir, "out"), { withFileTypes: true }).filter((e) => e.isDirectory())) {
      expect([folder.name, statSync(join(dir, "out", folder.name)).mode & 0o777]).toEqual([folder.name, 0o700]);
    }
  });
});

describe("several runs into one folder at once", SLOW, () => {
  it("leave it as exactly one run wrote it, with its manifest, every time", async () => {
    const dir = projectDir(INPUTS);
    const inputs = ["one.yaml", "two.yaml", "three.yaml"];
    // What each input alone compiles to.
    const wanted = inputs.map((input, i) => {
      expect(cliProcess([input, "-p", "s", "-o", `want${i}`], dir).status).toBe(0);
      return tree(join(dir, `want${i}`));
    });
    // Half the runs name the folder through a link: one folder, one lock.
    expect(cliProcess(["one.yaml", "-p", "s", "-o", "out"], dir).status).toBe(0);
    symlinkSync(join(dir, "out"), join(dir, "alias"));
    const run = (input: string, folder: string) =>
      new Promise<{ status: number | null; stderr: string }>((done) => {
        const child = spawn(BIN, [input, "-p", "s", "-o", folder], { cwd: dir, env: { PATH: process.env.PATH } });
        let stderr = "";
        child.stderr.on("data", (d) => (stderr += String(d)));
        child.on("close", (status) => done({ status, stderr }));
      });
    for (let round = 0; round < 8; round++) {
      const results = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => run(inputs[(i + round) % 3]!, i % 2 === 0 ? "out" : "alias")));
      for (const r of results) expect(r).toEqual({ status: 0, stderr: "" });
      const got = tree(join(dir, "out"));
      const match = wanted.findIndex((w) => w.size === got.size && [...w].every(([path, text]) => got.get(path) === text));
      expect(match, `round ${round}: ${[...got.keys()].join(", ")}`).not.toBe(-1);
      expect(listed(join(dir, "out"))).toEqual([...got.keys()].filter((p) => p !== MANIFEST).sort());
      expect(readdirSync(dir).filter((e) => e.includes("compose2units") || e.startsWith(".out"))).toEqual([]);
    }
  });

  it("a lock left by a run that died is taken over", () => {
    const dir = projectDir(INPUTS);
    const dead = spawnSync("true").pid!;
    writeFileSync(join(dir, ".out.compose2units-lock"), `${dead} ${readFileSync("/proc/sys/kernel/hostname", "utf8").trim()}\n`);
    const r = cliProcess(["one.yaml", "-p", "s", "-o", "out"], dir);
    expect(r).toMatchObject({ status: 0, stderr: "" });
    expect(existsSync(join(dir, ".out.compose2units-lock"))).toBe(false);
  });
});

/** A tmpfs mounted for one test, removed whatever happens; undefined when this machine cannot mount. */
function withTmpfs(options: string, body: (mountPoint: string) => void): void {
  const point = mkdtempSync(join(tmpdir(), "c2u-mnt-"));
  try {
    const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", options, "tmpfs", point], { encoding: "utf8" });
    if (mounted.status !== 0) throw new Error(`mount failed: ${mounted.stderr}`);
    try {
      body(point);
    } finally {
      spawnSync("umount", [point]);
    }
  } finally {
    rmSync(point, { recursive: true, force: true });
  }
}

/** Leaves one page free on a tmpfs: room for the lock file, none for the files. */
function fill(mnt: string): void {
  const filler = join(mnt, "filler");
  spawnSync("dd", ["if=/dev/zero", `of=${filler}`, "bs=4k"], { encoding: "utf8" }); // stops at ENOSPC
  truncateSync(filler, statSync(filler).size - 4096);
}

const canMount = (() => {
  if (process.getuid?.() !== 0) return false;
  try {
    withTmpfs("size=64k", () => undefined);
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!canMount)("on file systems that refuse writes (tmpfs mounts; needs root)", SLOW, () => {
  it("read-only: exit 2, a new folder is not made and an existing one is left as it was", () => {
    const dir = projectDir(INPUTS);
    withTmpfs("size=1m", (mnt) => {
      expect(cliProcess([join(dir, "one.yaml"), "-p", "s", "-o", "out"], mnt).status).toBe(0);
      const before = tree(join(mnt, "out"));
      expect(spawnSync("mount", ["-o", "remount,ro", mnt]).status).toBe(0);
      const update = cliProcess([join(dir, "two.yaml"), "-p", "s", "-o", "out"], mnt);
      expect(update.stderr).toMatch(/^compose2units: cannot .*: the file system is read-only \(EROFS\)/);
      expect(update.stderr.split("\n").length).toBe(2);
      noStackTrace(update.stderr);
      expect(update.status).toBe(2);
      expect(tree(join(mnt, "out"))).toEqual(before);
      const fresh = cliProcess([join(dir, "one.yaml"), "-p", "s", "-o", "new/out"], mnt);
      expect(fresh.stderr).toMatch(/^compose2units: cannot .*: the file system is read-only \(EROFS\)/);
      expect(fresh.status).toBe(2);
      expect(readdirSync(mnt)).toEqual(["out"]);
    });
  });

  it("full: exit 2, the folder is left as it was, and a later run with room writes it all", () => {
    const dir = projectDir(INPUTS);
    withTmpfs("size=256k", (mnt) => {
      expect(cliProcess([join(dir, "one.yaml"), "-p", "s", "-o", "out"], mnt).status).toBe(0);
      const before = tree(join(mnt, "out"));
      fill(mnt);
      for (const [input, folder, after] of [
        ["two.yaml", "out", /out is as it was$/],
        ["one.yaml", "other", /nothing was written$/],
      ] as const) {
        const r = cliProcess([join(dir, input), "-p", "s", "-o", folder], mnt);
        expect(r.stderr).toMatch(/^compose2units: cannot (write|create) .*: no space left on the device \(ENOSPC\); /);
        expect(r.stderr.trimEnd()).toMatch(after);
        noStackTrace(r.stderr);
        expect(r.status).toBe(2);
      }
      expect(tree(join(mnt, "out"))).toEqual(before);
      expect(readdirSync(mnt).sort()).toEqual(["filler", "out"]);
      rmSync(join(mnt, "filler"));
      expect(cliProcess([join(dir, "two.yaml"), "-p", "s", "-o", "out"], mnt)).toMatchObject({ status: 0, stderr: "" });
      expect(listed(join(mnt, "out"))).toContain("s-db.service");
      expect(listed(join(mnt, "out"))).not.toContain("s-web.service");
    });
  });

  it("the --nocloud folder fills up after the output folder is written: exit 2, the output folder keeps the new files", () => {
    const dir = projectDir(INPUTS);
    withTmpfs("size=256k", (mnt) => {
      fill(mnt);
      const r = cliProcess(["two.yaml", "-p", "s", "-o", "out", "--nocloud", join(mnt, "seed")], dir);
      expect(r.stderr).toMatch(/^compose2units: cannot create .*seed: no space left on the device \(ENOSPC\); nothing was written$/m);
      expect(r.status).toBe(2);
      expect(listed(join(dir, "out"))).toContain("s-db.service");
      expect(readdirSync(mnt)).toEqual(["filler"]);
    });
  });
});

/** The CLI as an unprivileged user, to meet real permission errors. */
function asNobody(args: string[], cwd: string) {
  const r = spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--", BIN, ...args], {
    cwd,
    encoding: "utf8",
    env: { PATH: process.env.PATH },
  });
  return { status: r.status, stderr: r.stderr };
}

const canDropPrivileges = process.getuid?.() === 0 && spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--", "true"]).status === 0;

describe.skipIf(!canDropPrivileges)("without permission to write (as nobody; needs root and setpriv)", SLOW, () => {
  it("exit 2 with EACCES, whether the lock or the folder is refused, and the folder is left as it was", () => {
    const dir = projectDir(INPUTS);
    chmodSync(dir, 0o755);
    expect(cliProcess(["one.yaml", "-p", "s", "-o", "out", "--nocloud", "shared/seed"], dir).status).toBe(0);
    const before = tree(join(dir, "out"));
    const noLock = asNobody(["two.yaml", "-p", "s", "-o", "out"], dir);
    expect(noLock.stderr).toMatch(/^compose2units: cannot lock .*out .*: permission denied \(EACCES\)\n$/);
    expect(noLock.status).toBe(2);
    // The lock can be taken (its folder is open to all), the folder itself cannot be written.
    chmodSync(join(dir, "shared"), 0o777);
    for (const f of readdirSync(join(dir, "shared", "seed"))) chmodSync(join(dir, "shared", "seed", f), 0o644);
    const seedBefore = tree(join(dir, "shared", "seed"));
    const noWrite = asNobody(["two.yaml", "-p", "s", "-o", join(dir, "shared", "seed"), "--force"], dir);
    expect(noWrite.stderr).toMatch(/^compose2units: cannot write .*seed: permission denied \(EACCES\); .*seed is as it was\n$/);
    expect(noWrite.status).toBe(2);
    expect(tree(join(dir, "out"))).toEqual(before);
    expect(tree(join(dir, "shared", "seed"))).toEqual(seedBefore);
    expect(readdirSync(join(dir, "shared"))).toEqual(["seed"]);
  });
});

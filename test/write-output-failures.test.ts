import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { OutputFile } from "../src/index.js";
import { applyOutputPlan, MANIFEST, OutputDirError, planOutputDir, writeOutputDir } from "../src/cli/write-output.js";

/**
 * A file-system call that fails on the Nth use, as a full disk, a name the
 * file system refuses or a permission error would: the folder must be
 * left exactly as it was.
 */
const failing = vi.hoisted(() => ({ call: "", countdown: -1, code: "" }));

vi.mock("node:fs", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs")>();
  const wrap =
    <F extends (...args: never[]) => unknown>(name: string, f: F) =>
    (...args: Parameters<F>): ReturnType<F> => {
      if (failing.call === name && failing.countdown >= 0 && failing.countdown-- === 0) {
        // No code: a bug in compose2units rather than the file system saying no.
        if (failing.code === "") throw new TypeError(`injected bug, ${name}`);
        throw Object.assign(new Error(`${failing.code}: injected, ${name}`), { code: failing.code });
      }
      return f(...args) as ReturnType<F>;
    };
  const mocked = {
    ...actual,
    renameSync: wrap("renameSync", actual.renameSync),
    openSync: wrap("openSync", actual.openSync),
    mkdirSync: wrap("mkdirSync", actual.mkdirSync),
    linkSync: wrap("linkSync", actual.linkSync),
  };
  return { ...mocked, default: mocked };
});

afterEach(() => {
  failing.call = "";
  failing.countdown = -1;
});

const file = (path: string, content: string, permissions: OutputFile["permissions"] = "0644"): OutputFile => ({ path, content, permissions });

/** Every file and folder below `dir` with its mode and content, to compare before and after. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (at: string) => {
    for (const e of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, e.name);
      const mode = (statSync(path).mode & 0o777).toString(8);
      if (e.isDirectory()) {
        out[relative(dir, path) + "/"] = mode;
        walk(path);
      } else out[relative(dir, path)] = `${mode} ${readFileSync(path, "utf8")}`;
    }
  };
  walk(dir);
  return out;
}

const OLD = [file("a.service", "A\n"), file("b.service", "B\n"), file("env/web.env", "X=1\n", "0600"), file("gone.service", "G\n")];
const NEW = [
  file("a.service", "A2\n"),
  file("b.service", "B\n", "0755"),
  file("env/web.env", "X=2\n", "0600"),
  file("env/api.env", "Y\n", "0600"),
  file("c/d/new.service", "N\n"),
];

describe("a failure while the folder is being updated leaves it as it was", () => {
  // Renames in an update: the union manifest (0), then a.service, c/d/new.service, env/api.env, env/web.env (1-4), the removed gone.service (5), the final manifest (6).
  it.each([
    ["ENAMETOOLONG", "renameSync", 0],
    ["ENAMETOOLONG", "renameSync", 2],
    ["ENOSPC", "renameSync", 3],
    ["EIO", "renameSync", 4],
    ["ENOSPC", "renameSync", 5],
    ["EROFS", "renameSync", 6],
    ["ENOSPC", "openSync", 3],
    ["EACCES", "openSync", 11],
    ["EPERM", "openSync", 10],
    ["EACCES", "mkdirSync", 3],
    ["EACCES", "mkdirSync", 4],
    ["ENOSPC", "linkSync", 1],
  ])("%s from the %s call number %i of writing", (code, call, n) => {
    const dir = join(mkdtempSync(join(tmpdir(), "c2u-fail-")), "out");
    writeOutputDir(dir, OLD);
    const before = snapshot(dir);
    const plan = planOutputDir(dir, NEW);
    let thrown: unknown;
    try {
      Object.assign(failing, { call, countdown: n, code });
      applyOutputPlan(plan);
    } catch (e) {
      thrown = e;
    }
    expect(failing.countdown, "the injected failure happened").toBe(-1);
    expect(thrown).toBeInstanceOf(OutputDirError);
    expect((thrown as Error).message).toMatch(new RegExp(`\\(${code}\\); .*out is as it was$`));
    expect(snapshot(dir)).toEqual(before);
    expect(readdirSync(join(dir, ".."))).toEqual(["out"]);
    // And the next run, with nothing failing, writes it all.
    writeOutputDir(dir, NEW);
    expect(
      readFileSync(join(dir, MANIFEST), "utf8")
        .split("\n")
        .filter((l) => l && !l.startsWith("#")),
    ).toEqual(NEW.map((f) => f.path).sort());
  });
});

describe("a bug in the middle of an update", () => {
  it("is undone too, and passes through as a bug (exit 70), not as a usage error", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "c2u-fail-")), "out");
    writeOutputDir(dir, OLD);
    const before = snapshot(dir);
    const plan = planOutputDir(dir, NEW);
    Object.assign(failing, { call: "renameSync", countdown: 3, code: "" });
    expect(() => applyOutputPlan(plan)).toThrow(TypeError);
    expect(snapshot(dir)).toEqual(before);
  });
});

describe("a failure while a new folder is being built writes nothing", () => {
  it.each([
    ["ENOSPC", "openSync", 2],
    ["ENAMETOOLONG", "mkdirSync", 2],
    ["EROFS", "renameSync", 0],
  ])("%s from the %s call number %i of writing", (code, call, n) => {
    const root = mkdtempSync(join(tmpdir(), "c2u-fail-"));
    const plan = planOutputDir(join(root, "out"), NEW);
    Object.assign(failing, { call, countdown: n, code });
    expect(() => applyOutputPlan(plan)).toThrow(new RegExp(`\\(${code}\\); nothing was written$`));
    expect(failing.countdown).toBe(-1);
    expect(readdirSync(root)).toEqual([]);
  });
});

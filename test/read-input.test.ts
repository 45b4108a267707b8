import { spawnSync } from "node:child_process";
import { symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readRegularFile } from "../src/cli/read-input.js";
import { InputRefused } from "../src/index.js";
import { projectDir } from "./support/cli-run.js";

/** The reader every file the CLI reads goes through: regular files only, never more than the limit. */
describe("readRegularFile", () => {
  const dir = projectDir({ "a.txt": "hello\n" });
  symlinkSync("a.txt", join(dir, "link"));
  spawnSync("mkfifo", [join(dir, "fifo")]);

  const refusal = (run: () => unknown): string => {
    try {
      run();
    } catch (e) {
      if (e instanceof InputRefused) return e.message;
      throw e;
    }
    throw new Error("not refused");
  };

  it("reads a regular file, through a link unless told not to, and nothing for a missing one", () => {
    expect(readRegularFile(join(dir, "a.txt"))).toBe("hello\n");
    expect(readRegularFile(join(dir, "link"))).toBe("hello\n");
    expect(refusal(() => readRegularFile(join(dir, "link"), { noFollow: true }))).toBe("is a symbolic link, not a regular file");
    expect(readRegularFile(join(dir, "missing"))).toBeUndefined();
    expect(readRegularFile(join(dir, "a.txt", "below"))).toBeUndefined();
  });

  it("refuses FIFOs, devices and folders without blocking on them", () => {
    expect(refusal(() => readRegularFile(join(dir, "fifo")))).toBe("is a FIFO, not a regular file");
    expect(refusal(() => readRegularFile("/dev/zero"))).toBe("is a character device, not a regular file");
    expect(refusal(() => readRegularFile(dir))).toBe("is a folder, not a regular file");
  });

  it("refuses a file over the limit", () => {
    writeFileSync(join(dir, "big"), "x".repeat(101));
    expect(readRegularFile(join(dir, "big"), { limit: 101 })).toHaveLength(101);
    expect(refusal(() => readRegularFile(join(dir, "big"), { limit: 100 }))).toBe("is larger than 100 bytes");
  });
});

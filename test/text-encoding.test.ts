import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compile, formatDiagnostic } from "../src/index.js";
import { decodeUtf8, findIllFormed } from "../src/text-encoding.js";
import { BIN, cliInProcess, cliProcess, projectDir } from "./support/cli-run.js";
import { REAL } from "./support/real-tag.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from(p))));

describe("decodeUtf8 keeps bytes that are not UTF-8 where the loader finds them", () => {
  it("decodes valid UTF-8 as TextDecoder does, a byte order mark included", () => {
    const text = "plain, ünïcödé, 中文, 🐳, \uFEFF, \u2028";
    expect(decodeUtf8(Buffer.from(text, "utf8"))).toBe(text);
    expect(findIllFormed(text)).toBeUndefined();
  });

  it("turns each bad byte into U+DC80..U+DCFF: stray continuations, overlong forms, surrogates, past U+10FFFF, cut sequences", () => {
    expect(decodeUtf8(bytes("a", [0x80], "b"))).toBe("a\udc80b");
    expect(decodeUtf8(bytes([0xc0, 0xaf]))).toBe("\udcc0\udcaf");
    expect(decodeUtf8(bytes([0xe0, 0x80, 0xaf]))).toBe("\udce0\udc80\udcaf");
    expect(decodeUtf8(bytes([0xed, 0xa0, 0x80]))).toBe("\udced\udca0\udc80");
    expect(decodeUtf8(bytes([0xf4, 0x90, 0x80, 0x80]))).toBe("\udcf4\udc90\udc80\udc80");
    expect(decodeUtf8(bytes("x", [0xe2, 0x82]))).toBe("x\udce2\udc82");
    expect(decodeUtf8(bytes([0xff], "ü"))).toBe("\udcffü");
  });

  it("findIllFormed gives the line and column of the first bad byte, or of a lone surrogate", () => {
    expect(findIllFormed(decodeUtf8(bytes("a: 1\nbb: ü", [0xfe], "\n")))).toEqual({
      line: 2,
      column: 6,
      message: "not valid UTF-8: byte 0xfe here starts no character",
    });
    expect(findIllFormed("ok\n\ud800x")).toEqual({ line: 2, column: 1, message: "not valid text: a lone UTF-16 surrogate (U+D800) here is no character" });
    expect(findIllFormed("\ud83d\udc33")).toBeUndefined();
  });
});

describe("input that is not UTF-8 is a located error, never U+FFFD", () => {
  const COMPOSE =
    "services:\n  web:\n    image: nginx\n    env_file: web.env\n    secrets: [s]\n    configs: [c]\nsecrets:\n  s:\n    file: s.txt\nconfigs:\n  c:\n    file: c.txt\n";

  function folder(files: Record<string, Buffer | string>): string {
    const d = projectDir({});
    dirs.push(d);
    for (const [name, content] of Object.entries(files)) writeFileSync(join(d, name), content);
    return d;
  }

  it("in the compose file, an env file, .env, a secret and a config, each at its first bad byte", async () => {
    const first = folder({
      "compose.yml": bytes('services:\n  web:\n    image: nginx\n    labels: {a: "caf', [0xe9], '"}\n'),
      ".env": bytes("TAG=", [0xff], "\n"),
    });
    const bad = await cliInProcess(["check", "compose.yml"], first);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe(
      ".env:1:5: error invalid-encoding: not valid UTF-8: byte 0xff here starts no character\n" +
        "compose.yml:4:21: error invalid-encoding: not valid UTF-8: byte 0xe9 here starts no character\n",
    );

    const d = folder({
      "compose.yml": COMPOSE,
      "web.env": bytes("A=1\nB=x", [0xc3, 0x28], "\n"),
      "s.txt": bytes("line\n\t", [0xed, 0xa0, 0x80]),
      "c.txt": bytes([0x80]),
    });
    const r = await cliInProcess(["check", "compose.yml"], d);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      [
        "c.txt:1:1: error invalid-encoding: not valid UTF-8: byte 0x80 here starts no character",
        "s.txt:2:2: error invalid-encoding: not valid UTF-8: byte 0xed here starts no character",
        "web.env:2:4: error invalid-encoding: not valid UTF-8: byte 0xc3 here starts no character",
        "",
      ].join("\n"),
    );
  });

  it("on standard input, and in the files named by --env-file, --registry-auth and --cloud-config-base", { tags: [REAL] }, () => {
    const d = folder({
      "ok.yml": "services:\n  web:\n    image: nginx\n",
      "e.env": bytes("A=", [0xff]),
      "auth.json": bytes('{"auths": {"x": "', [0xc0], '"}}'),
      "base.yml": bytes("timezone: ", [0xfe]),
    });
    const stdin = spawnSync(BIN, ["check", "-"], {
      cwd: d,
      input: bytes("services:\n  web:\n    image: ngin", [0xff], "x\n"),
      encoding: "utf8",
      env: { PATH: process.env.PATH },
    });
    expect(stdin).toMatchObject({ status: 1, stderr: "<stdin>:3:16: error invalid-encoding: not valid UTF-8: byte 0xff here starts no character\n" });
    const env = cliProcess(["check", "ok.yml", "--env-file", "e.env"], d);
    expect(env.status).toBe(1);
    expect(env.stderr).toBe("e.env:1:3: error invalid-encoding: not valid UTF-8: byte 0xff here starts no character\n");
    const auth = cliProcess(["check", "ok.yml", "--registry-auth", "auth.json"], d);
    expect(auth).toMatchObject({ status: 2, stderr: "compose2units: auth.json:1:18: not valid UTF-8: byte 0xc0 here starts no character\n" });
    const base = cliProcess(["check", "ok.yml", "--cloud-config-base", "base.yml"], d);
    expect(base).toMatchObject({ status: 2, stderr: "compose2units: base.yml:1:11: not valid UTF-8: byte 0xfe here starts no character\n" });
  });

  it("through the library, a lone surrogate in a string is the same error", () => {
    const result = compile(
      { path: "compose.yml", content: COMPOSE },
      { projectName: "t", projectDirectory: "/p", files: { "web.env": "A=\ud800\n", "s.txt": "ok", "c.txt": "ok" } },
    );
    expect(result.files).toEqual([]);
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([
      "web.env:1:3: error invalid-encoding: not valid text: a lone UTF-16 surrogate (U+D800) here is no character",
    ]);
    const main = compile({ path: "compose.yml", content: "services:\n  web:\n    image: \udc80\n" }, { projectName: "t" });
    expect(main.diagnostics.map(formatDiagnostic)[0]).toBe("compose.yml:3:12: error invalid-encoding: not valid UTF-8: byte 0x80 here starts no character");
  });
});

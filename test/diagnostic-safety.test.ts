import { afterAll, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import { formatCodeFrame } from "../src/code-frame.js";
import { printable } from "../src/diagnostics.js";
import { compile, formatDiagnostic } from "../src/index.js";
import { cliInProcess, projectDir } from "./support/cli-run.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function dir(files: Record<string, string>): string {
  const d = projectDir(files, "c2u-diag-");
  dirs.push(d);
  return d;
}

const ESC = "\u001b";
// What a value would need to hold to print a finding of its own, or to steer the terminal.
const FORGED =
  "x\nevil.yml:1:1: error schema: forged\rcompose.yml:9:9: error schema: forged\u2028u2028\u2029\u0085nel\u000bvt\u000cff" +
  `${ESC}[2J${ESC}]0;title\u0007\u202eevil`;

/** The lines of `text` as any reader splits them: LF, CR, VT, FF, NEL, U+2028, U+2029. */
function readerLines(text: string): string[] {
  return text.split(/\r\n|[\n\r\u000b\u000c\u0085\u2028\u2029]/).filter((l) => l !== "");
}

describe("diagnostics print values inertly", () => {
  it("printable escapes line breaks, controls, C1 controls, bidi overrides and lone surrogates, and nothing else", () => {
    expect(printable("a\nb\rc\td\u0000e\u007f\u0085\u009b\u2028\u2029\u202e\u2066\udcff")).toBe(
      "a\\nb\\rc\\td\\x00e\\x7f\\x85\\x9b\\u2028\\u2029\\u202e\\u2066\\xff",
    );
    expect(printable("plain ünïcödé 🐳 and a \\ backslash")).toBe("plain ünïcödé 🐳 and a \\ backslash");
    expect(printable("a\tb", "\t")).toBe("a\tb");
  });

  it("formatDiagnostic gives one line whatever the message and file name hold", () => {
    const line = formatDiagnostic({
      severity: "error",
      code: "invalid-value",
      message: `bad ${FORGED}`,
      location: { file: `a\nb.yml${ESC}[31m`, line: 2, column: 3 },
    });
    expect(readerLines(line)).toHaveLength(1);
    expect(line).not.toContain(ESC);
    expect(line.startsWith("a\\nb.yml\\x1b[31m:2:3: error invalid-value: bad x\\nevil.yml:1:1")).toBe(true);
  });

  // restart's message quotes the value it cannot read, so it is a way for a value to reach a diagnostic.
  const forging = { "compose.yml": `services:\n  web:\n    image: nginx\n    restart: ${JSON.stringify(FORGED)}\n` };

  it("the CLI prints one line per diagnostic, as text, in colour with frames, and as JSON", async () => {
    const d = dir(forging);
    const text = await cliInProcess(["check", "compose.yml"], d);
    expect(text.status).toBe(1);
    expect(readerLines(text.stderr)).toHaveLength(1);
    expect(text.stderr).not.toContain(ESC);
    expect(text.stderr.startsWith("compose.yml:4:14: error invalid-value: invalid restart policy")).toBe(true);

    const framed = await cliInProcess(["check", "compose.yml", "--color"], d);
    // Colour is the only escape sequence left; the line and its frame are three lines.
    const uncoloured = framed.stderr.replace(/\u001b\[\d+m/g, "");
    expect(uncoloured).not.toContain(ESC);
    expect(readerLines(uncoloured)).toHaveLength(3);

    const json = await cliInProcess(["check", "compose.yml", "--format", "json"], d);
    expect(json.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/);
    expect(JSON.parse(json.stderr).diagnostics[0].message).toContain(FORGED);
  });

  it("the code frame shows a line's control characters as escapes and keeps the caret under the column", () => {
    expect(formatCodeFrame(`a: "${ESC}[2J\r"\n`, 1, 6)).toBe('  1 | a: "\\x1b[2J\\r"\n    |         ^');
    expect(formatCodeFrame(`a: "\u2028x"\n`, 1, 6)).toBe('  1 | a: "\\u2028x"\n    |           ^');
    expect(formatCodeFrame("\tb: \u0085\n", 1, 5)).toBe("  1 | \tb: \\x85\n    | \t   ^");
  });

  it("usage errors are printable too", async () => {
    const r = await cliInProcess(["check", "no\nsuch.yml:1:1: error x"], dir({}));
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("compose2units: cannot read no\\nsuch.yml:1:1: error x\n");
  });
});

describe("diagnostics never quote a value that may be a secret", () => {
  const SECRET = "hunter2";

  it("interpolation errors in the compose file name the place, not the value", () => {
    for (const value of [`${SECRET}$`, `${SECRET}\${`, `${SECRET}\${X:-${SECRET}`, `${SECRET}\${1X}`, `${SECRET}\${X!}`]) {
      const result = compile(
        { path: "compose.yml", content: `services:\n  web:\n    image: nginx\n    environment:\n      PASSWORD: "${value}"\n` },
        { projectName: "t", environment: {} },
      );
      const errors = result.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^compose\.yml:5:17: error interpolation: .* at (character \d+ of the value|the end of the value)/);
      expect(errors[0]).not.toContain(SECRET);
    }
    const dollar = compile(
      { path: "compose.yml", content: `services:\n  web:\n    image: nginx\n    environment: ["PASSWORD=${SECRET}$"]\n` },
      { projectName: "t" },
    );
    expect(dollar.diagnostics.map(formatDiagnostic)).toEqual([
      'compose.yml:4:19: error interpolation: invalid "$" at character 17 of the value (write "$$" for a literal dollar sign)',
    ]);
  });

  it("env file and .env errors name the variable and the line, not the value, and show no frame of the file", async () => {
    const d = dir({
      "compose.yml": "services:\n  web:\n    image: nginx\n    env_file: web.env\n",
      "web.env": `USER=me\nPASSWORD=${SECRET}$\n`,
    });
    for (const args of [
      ["check", "compose.yml"],
      ["check", "compose.yml", "--color"],
      ["check", "compose.yml", "--format", "json"],
    ]) {
      const r = await cliInProcess(args, d, { stderrIsTTY: true });
      expect(r.status).toBe(1);
      expect(r.stderr).not.toContain(SECRET);
    }
    const plain = await cliInProcess(["check", "compose.yml", "--no-color"], d, { stderrIsTTY: true });
    expect(plain.stderr).toBe(
      'web.env:2:1: error invalid-env-file: service "web": variable PASSWORD: invalid "$" at character 8 of the value (write "$$" for a literal dollar sign)\n',
    );

    const dotenv = dir({ "compose.yml": "services:\n  web:\n    image: nginx:${TAG}\n", ".env": `TAG=1\nTOKEN="${SECRET}\${X:-a"\n` });
    const r = await cliInProcess(["check", "compose.yml"], dotenv);
    expect(r.stderr).toBe('.env:2:1: error invalid-env-file: variable TOKEN: missing "}" at the end of the value\n');
  });

  it("a line of an env file that is no NAME=value is not quoted (it may be a pasted secret)", () => {
    const result = compile(
      { path: "compose.yml", content: "services:\n  web:\n    image: nginx\n    env_file: web.env\n" },
      { projectName: "t", projectDirectory: "/p", files: { "web.env": `A=1\n${SECRET}!\n` } },
    );
    const errors = result.diagnostics.map(formatDiagnostic);
    expect(errors).toEqual([
      'web.env:2:1: error invalid-env-file: service "web": a line that is neither NAME=value nor a variable name (the line is not shown: it may hold a value)',
    ]);
    // A name before `=` was meant as a name, and is shown.
    const named = compile(
      { path: "compose.yml", content: "services:\n  web:\n    image: nginx\n    env_file: web.env\n" },
      { projectName: "t", projectDirectory: "/p", files: { "web.env": `BAD NAME=${SECRET}\n` } },
    );
    expect(named.diagnostics.map(formatDiagnostic)).toEqual([
      'web.env:1:1: error invalid-env-file: service "web": invalid variable name "BAD NAME" (a name cannot contain spaces)',
    ]);
  });

  it("compile() keeps no source text for env files and secrets, only for compose files", () => {
    const result = compile(
      { path: "compose.yml", content: "services:\n  web:\n    image: nginx\n    env_file: web.env\n    secrets: [s]\nsecrets:\n  s:\n    file: s.txt\n" },
      { projectName: "t", projectDirectory: "/p", files: { "web.env": `PASSWORD=${SECRET}$\n`, "s.txt": `${SECRET}\udcff` } },
    );
    expect(result.diagnostics.map((d) => d.location?.file)).toEqual(["s.txt", "web.env"]);
    expect([...result.sources.keys()]).toEqual([]);
  });
});

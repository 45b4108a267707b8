import { describe, expect, it } from "vitest";
import { formatCodeFrame } from "../src/code-frame.js";
import { ansi } from "../src/cli/ansi.js";
import { compile } from "../src/index.js";
import { cliInProcess, projectDir } from "./support/cli-run.js";

const BAD = "services:\n  web:\n    image: nginx\n    depends_on: [db]\n";
const LINE = 'bad.yml:4:18: error undefined-reference: service "web" depends on undefined service "db"\n';
const FRAME = "  4 |     depends_on: [db]\n    |                  ^\n";
const ESC = "\u001b[";

describe("diagnostics for people and for logs", () => {
  it("prints one plain line per diagnostic when stderr is not a terminal", async () => {
    const dir = projectDir({ "bad.yml": BAD });
    const r = await cliInProcess(["check", "bad.yml"], dir);
    expect(r.stderr).toBe(LINE);
  });

  it("adds the source line and a caret under the column, in colour, on a terminal", async () => {
    const dir = projectDir({ "bad.yml": BAD });
    const r = await cliInProcess(["check", "bad.yml"], dir, { stderrIsTTY: true });
    expect(r.stderr).toContain(ESC);
    expect(stripAnsi(r.stderr)).toBe(LINE + FRAME + "\n");
  });

  it("frames without colour on a terminal with --no-color or NO_COLOR", async () => {
    const dir = projectDir({ "bad.yml": BAD });
    expect((await cliInProcess(["check", "bad.yml", "--no-color"], dir, { stderrIsTTY: true })).stderr).toBe(LINE + FRAME + "\n");
    expect((await cliInProcess(["check", "bad.yml"], dir, { stderrIsTTY: true, env: { NO_COLOR: "1" } })).stderr).toBe(LINE + FRAME + "\n");
    // An empty NO_COLOR does not count (no-color.org).
    expect((await cliInProcess(["check", "bad.yml"], dir, { stderrIsTTY: true, env: { NO_COLOR: "" } })).stderr).toContain(ESC);
  });

  it("frames and colours when piped if --color asks, even with NO_COLOR set", async () => {
    const dir = projectDir({ "bad.yml": BAD });
    const r = await cliInProcess(["check", "bad.yml", "--color"], dir, { env: { NO_COLOR: "1" } });
    expect(r.stderr).toContain(ESC);
    expect(stripAnsi(r.stderr)).toBe(LINE + FRAME + "\n");
  });

  it("frames and colours when piped if FORCE_COLOR is set, over NO_COLOR; FORCE_COLOR=0 turns colour off on a terminal; the flags win over both", async () => {
    const dir = projectDir({ "bad.yml": BAD });
    const forced = await cliInProcess(["check", "bad.yml"], dir, { env: { FORCE_COLOR: "1", NO_COLOR: "1" } });
    expect(forced.stderr).toContain(ESC);
    expect(stripAnsi(forced.stderr)).toBe(LINE + FRAME + "\n");
    expect((await cliInProcess(["check", "bad.yml"], dir, { stderrIsTTY: true, env: { FORCE_COLOR: "0" } })).stderr).toBe(LINE + FRAME + "\n");
    expect((await cliInProcess(["check", "bad.yml"], dir, { stderrIsTTY: true, env: { FORCE_COLOR: "false" } })).stderr).toBe(LINE + FRAME + "\n");
    // Empty, it does not count, like NO_COLOR.
    expect((await cliInProcess(["check", "bad.yml"], dir, { env: { FORCE_COLOR: "" } })).stderr).toBe(LINE);
    expect((await cliInProcess(["check", "bad.yml", "--no-color"], dir, { env: { FORCE_COLOR: "1" } })).stderr).toBe(LINE);
  });

  it("frames a diagnostic in a file read through the project (an extends target), under its name", async () => {
    const dir = projectDir({
      "compose.yaml": "services:\n  web:\n    extends:\n      file: base.yaml\n      service: base\n",
      "base.yaml": "services:\n  base:\n    image: nginx\n    depends_on: [db]\n",
    });
    const r = await cliInProcess(["check", "--no-color"], dir, { stderrIsTTY: true });
    expect(r.stderr).toBe('base.yaml:4:18: error undefined-reference: service "web" depends on undefined service "db"\n' + FRAME + "\n");
  });

  it("frames a compose file read from standard input, named <stdin>", async () => {
    const dir = projectDir({});
    const r = await cliInProcess(["check", "-", "--no-color"], dir, { stdin: BAD, stderrIsTTY: true });
    expect(r.stderr).toBe(LINE.replace("bad.yml", "<stdin>") + FRAME + "\n");
  });
});

describe("formatCodeFrame", () => {
  it("keeps tabs under the caret and clamps the column to the line", () => {
    expect(formatCodeFrame("a:\n\tb: [x\n", 2, 6)).toBe("  2 | \tb: [x\n    | \t    ^");
    expect(formatCodeFrame("short\n", 1, 40)).toBe("  1 | short\n    |      ^");
    expect(formatCodeFrame("crlf\r\nline\r\n", 1, 2)).toBe("  1 | crlf\n    |  ^");
  });

  it("widens the gutter with the line number and gives nothing for a line that is not there", () => {
    const source = Array.from({ length: 120 }, (_, i) => `line ${i + 1}`).join("\n");
    expect(formatCodeFrame(source, 100, 6)).toBe("  100 | line 100\n      |      ^");
    expect(formatCodeFrame(source, 500, 1)).toBeUndefined();
    expect(formatCodeFrame(source, 0, 1)).toBeUndefined();
  });

  it("colours the caret when given a paint", () => {
    expect(formatCodeFrame("x\n", 1, 1, ansi, "yellow")).toContain(`${ESC}33m^${ESC}39m`);
  });
});

describe("compile() exposes the sources its diagnostics point into", () => {
  it("by the name in each location, including files read through `files`", () => {
    const result = compile(
      { path: "compose.yaml", content: "services:\n  web:\n    extends: {file: base.yaml, service: base}\n" },
      { projectDirectory: "/app", environment: {}, files: { "/app/base.yaml": "services:\n  base:\n    image: nginx\n    depends_on: [db]\n" } },
    );
    expect(result.diagnostics.map((d) => d.location?.file)).toEqual(["base.yaml"]);
    expect([...result.sources.keys()]).toEqual(["base.yaml"]);
    const d = result.diagnostics[0]!;
    expect(formatCodeFrame(result.sources.get(d.location!.file)!, d.location!.line, d.location!.column)).toBe(FRAME.trimEnd());
  });

  it("is empty when nothing is wrong", () => {
    const result = compile({ path: "compose.yaml", content: "services:\n  web:\n    image: nginx:1.25\n" }, { projectDirectory: "/app", environment: {} });
    expect(result.diagnostics).toEqual([]);
    expect(result.sources.size).toBe(0);
  });
});

function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, "");
}

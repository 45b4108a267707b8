import { describe, expect, it } from "vitest";
import { compile, formatDiagnostic } from "../src/index.js";

function withMode(mode: string) {
  return compile(
    {
      path: "compose.yml",
      content: `services:\n  web:\n    image: nginx\n    secrets:\n      - source: s\n        mode: ${mode}\n    configs:\n      - source: c\n        mode: ${mode}\nsecrets:\n  s:\n    content: x\nconfigs:\n  c:\n    content: y\n`,
    },
    { projectName: "t" },
  );
}

describe("the mode of a secret or config", () => {
  it("is an error at its value when it is not octal or is over 0777, instead of becoming something else", () => {
    for (const mode of ['"0999"', '"0o999"', '"rw"', '"0x1ff"', '"-1"', '"04755"', "01777", "999", '""']) {
      const result = withMode(mode);
      expect(result.files, mode).toEqual([]);
      expect(
        result.diagnostics.map(formatDiagnostic).filter((l) => l.includes("invalid mode")),
        mode,
      ).toEqual([
        expect.stringMatching(/^compose\.yml:6:15: error invalid-mode: invalid mode ".*": give permission bits in octal, from 0 to 0777, such as 0440$/),
        expect.stringMatching(/^compose\.yml:9:15: error invalid-mode: invalid mode ".*": give permission bits in octal, from 0 to 0777, such as 0440$/),
      ]);
    }
  });

  it("is read as octal from a string or a YAML octal number", () => {
    for (const [mode, bits] of [
      ['"0440"', 0o440],
      ['"0o440"', 0o440],
      ['"440"', 0o440],
      ["0440", 0o440],
      ["0", 0],
      ['"0777"', 0o777],
    ] as const) {
      const result = withMode(mode);
      expect(result.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic), mode).toEqual([]);
      expect(
        result.project?.services[0]?.files.map((f) => [f.kind, f.mode]),
        mode,
      ).toEqual([
        ["secret", bits],
        ["config", bits],
      ]);
    }
  });
});

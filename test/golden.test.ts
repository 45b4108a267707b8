import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../src/index.js";
import { compileFixture, listFixtures, readTree } from "./support/fixtures.js";

/**
 * Golden files: fixtures/<case>/expected/ holds exactly what compiling the
 * case produces, plus diagnostics.txt. Regenerate deliberately with
 * `npm run test:update` and review the diff; a golden file only proves the
 * output did not change — real-tools.test.ts proves it is right.
 */
const update = process.env.UPDATE_GOLDEN === "1";

describe.each(listFixtures())("fixture $name", (fixture) => {
  it("compiles to the expected files", () => {
    const result = compileFixture(fixture);
    const produced = new Map(result.files.map((f) => [f.path, f.content]));
    produced.set("diagnostics.txt", result.diagnostics.map(formatDiagnostic).join("\n") + (result.diagnostics.length ? "\n" : ""));
    const expectedDir = join(fixture.dir, "expected");
    if (update) {
      rmSync(expectedDir, { recursive: true, force: true });
      for (const [path, content] of produced) {
        mkdirSync(dirname(join(expectedDir, path)), { recursive: true });
        writeFileSync(join(expectedDir, path), content);
      }
    }
    const expected = readTree(expectedDir);
    expect([...produced.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [path, content] of produced) expect(content, path).toBe(expected.get(path));
  });

  it("compiles without errors", () => {
    const result = compileFixture(fixture);
    expect(result.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic)).toEqual([]);
  });
});

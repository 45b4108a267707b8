import { describe, expect, it } from "vitest";
import { compile, formatDiagnostic } from "../src/index.js";
import { mutate, originals } from "./support/mutation.js";
import { prng } from "./support/systemd-exec.js";

/**
 * Bad input gets located errors, never a crash: the fixtures and the
 * real-world corpus, each mutated a few lines at a time (lines dropped,
 * repeated, given odd values or odd keys), go through compile(), which must
 * return, and every error it reports must point at a place in the file.
 */

describe("mutated compose files", () => {
  it("never crash compile(), and every error it reports is located", () => {
    const texts = originals();
    expect(texts.length).toBeGreaterThan(5);
    const next = prng(20261129);
    const problems: string[] = [];
    let failed = 0;
    for (let i = 0; i < 2000 && problems.length < 5; i++) {
      const content = mutate(texts[i % texts.length]!, next);
      try {
        const r = compile(
          { path: "compose.yaml", content },
          { projectName: "m", projectDirectory: "/srv/m", environment: { API_KEY: "k" }, readFile: () => undefined },
        );
        const errors = r.diagnostics.filter((d) => d.severity === "error");
        if (errors.length > 0) failed++;
        for (const d of errors) if (!d.location) problems.push(`unlocated: ${formatDiagnostic(d)}\n${content}`);
      } catch (e) {
        problems.push(`threw ${(e as Error).stack}\n${content}`);
      }
    }
    expect(problems).toEqual([]);
    // Mutations that never broke anything would prove nothing.
    expect(failed).toBeGreaterThan(500);
  });
});

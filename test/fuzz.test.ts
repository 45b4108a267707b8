// @module-tag real
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compile, formatDiagnostic, type CompileOptions, type CompileResult } from "../src/index.js";
import { cliInProcess } from "./support/cli-run.js";
import { readBackWithCloudInit, type Compiled } from "./support/cloud-init-check.js";
import { HOSTILE_VALUES, ODD_VALUES, mutate, originals } from "./support/mutation.js";
import { TOOLS, shellcheck, toolMissing, verifyUnits, writeFiles } from "./support/real-tools.js";
import { prng } from "./support/systemd-exec.js";

/**
 * Seeded, bounded fuzzing of the whole path, judged by the real readers of
 * what compose2units writes: the fixtures and the corpus, mutated with odd
 * and hostile values, are compiled; every success is read back by
 * cloud-init, a sample is checked with systemd-analyze verify and
 * shellcheck; every failure has only located errors; and through the CLI a
 * failure leaves the output folder exactly as it was.
 */

const scratch = mkdtempSync(join(tmpdir(), "compose2units-fuzz-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Hostile too: what a variable passed through from the compiling machine's environment holds. */
const ENVIRONMENT = { API_KEY: "k\u2028bootcmd: [[sh]]", X: "x\u0085y", TAG: "1.0" };
const VALUES = [...ODD_VALUES, ...HOSTILE_VALUES];

function options(): CompileOptions {
  return { projectName: "f", projectDirectory: "/srv/f", environment: ENVIRONMENT, readFile: () => undefined };
}

function compileText(content: string): CompileResult {
  return compile({ path: "compose.yaml", content }, options());
}

/** Every file below `dir` with its mode and content, symlinks as their target: what a failed run must leave alone. */
function snapshot(dir: string): string {
  const lines: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d).sort()) {
      const full = join(d, entry);
      const stat = lstatSync(full);
      if (stat.isDirectory()) {
        lines.push(`${full} dir ${stat.mode.toString(8)}`);
        walk(full);
      } else {
        lines.push(`${full} ${stat.mode.toString(8)} ${readFileSync(full, "utf8")}`);
      }
    }
  };
  walk(dir);
  return lines.join("\n");
}

describe.skipIf(toolMissing(TOOLS.cloudInit, TOOLS.systemdAnalyze, TOOLS.shellcheck, TOOLS.docker))("fuzzing the whole path with real readers", () => {
  /** Mutations of files that compile as they are: a mutation of a refused file mostly says the same refusal again. */
  const texts = originals().filter((t) => compileText(t).files.length > 0);

  it("compiles mutated inputs into what cloud-init, systemd and the shell read as meant, or into located errors", () => {
    expect(texts.length).toBeGreaterThan(10);
    const next = prng(20261204);
    const successes: Compiled[] = [];
    const problems: string[] = [];
    let failures = 0;
    for (let i = 0; i < 600 && problems.length < 5; i++) {
      const content = mutate(texts[i % texts.length]!, next, VALUES);
      let result: CompileResult;
      try {
        result = compileText(content);
      } catch (e) {
        problems.push(`threw ${(e as Error).stack}\n${content}`);
        continue;
      }
      const errors = result.diagnostics.filter((d) => d.severity === "error");
      for (const d of errors) if (!d.location) problems.push(`unlocated: ${formatDiagnostic(d)}\n${content}`);
      if (errors.length > 0) failures++;
      else successes.push({ label: `case ${i}`, result, options: options() });
    }
    expect(problems).toEqual([]);
    // A fuzzer whose inputs all fail, or all pass, proves little.
    expect(successes.length).toBeGreaterThan(100);
    expect(failures).toBeGreaterThan(100);
    expect(readBackWithCloudInit(successes, scratch)).toEqual([]);

    // One in fifteen successes, through systemd-analyze and shellcheck.
    for (const { label, result } of successes.filter((_, i) => i % 15 === 0)) {
      const dir = writeFiles(result.files);
      try {
        const units = result.files.map((f) => f.path).filter((p) => /\.(service|target|timer)$/.test(p));
        const verified = verifyUnits(dir, units);
        expect(verified.stderr, label).toBe("");
        expect(verified.status, label).toBe(0);
        for (const script of result.files.filter((f) => f.path.endsWith(".sh"))) {
          const checked = shellcheck(join(dir, script.path));
          expect(checked.stdout + checked.stderr, `${label} ${script.path}`).toBe("");
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it("leaves the output folder as it was when a mutated input fails, and as compile() says when it succeeds", async () => {
    const next = prng(4122026);
    let failed = 0;
    let passed = 0;
    for (let i = 0; i < 60; i++) {
      const content = mutate(texts[i % texts.length]!, next, VALUES);
      // Start from a good output folder: the unmutated file's.
      const base = mkdtempSync(join(scratch, "case-"));
      writeFileSync(join(base, "compose.yaml"), texts[i % texts.length]!);
      const good = await cliInProcess(["compile", "compose.yaml", "-p", "f", "-o", "out"], base, { env: ENVIRONMENT });
      if (good.status !== 0) continue;
      const before = snapshot(join(base, "out"));
      writeFileSync(join(base, "compose.yaml"), content);
      const run = await cliInProcess(["compile", "compose.yaml", "-p", "f", "-o", "out"], base, { env: ENVIRONMENT });
      expect(run.status, `${run.stderr}\n${content}`).not.toBe(70);
      if (run.status === 0) {
        passed++;
        const readDisk = (path: string) => (existsSync(path) ? readFileSync(path, "utf8") : undefined);
        const expected = compile({ path: "compose.yaml", content }, { projectName: "f", workingDirectory: base, environment: ENVIRONMENT, readFile: readDisk });
        expect(expected.files.length).toBeGreaterThan(0);
        for (const f of expected.files) expect(readFileSync(join(base, "out", f.path), "utf8"), f.path).toBe(f.content);
      } else {
        failed++;
        expect(run.status, run.stderr).toBe(1);
        for (const line of run.stderr.trim().split("\n")) expect(line, content).toMatch(/^compose\.yaml:\d+:\d+: (error|warning) [a-z-]+: /);
        expect(snapshot(join(base, "out")), content).toBe(before);
      }
      rmSync(base, { recursive: true, force: true });
    }
    expect(failed).toBeGreaterThan(10);
    expect(passed).toBeGreaterThan(5);
  });
});

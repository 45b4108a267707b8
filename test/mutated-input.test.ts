import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile, formatDiagnostic } from "../src/index.js";
import { listFixtures } from "./support/fixtures.js";
import { prng } from "./support/systemd-exec.js";

/**
 * Bad input gets located errors, never a crash: the fixtures and the
 * real-world corpus, each mutated a few lines at a time (lines dropped,
 * repeated, given odd values or odd keys), go through compile(), which must
 * return, and every error it reports must point at a place in the file.
 */

const CORPUS = new URL("../../shared/corpus/awesome-compose/", import.meta.url).pathname;

function originals(): string[] {
  const texts = listFixtures().map((f) => readFileSync(join(f.dir, f.composeFile), "utf8"));
  if (existsSync(CORPUS)) {
    for (const name of readdirSync(CORPUS).sort()) {
      const path = join(CORPUS, name, "compose.yaml");
      if (existsSync(path)) texts.push(readFileSync(path, "utf8"));
    }
  }
  return texts;
}

/** Values that have tripped up compose tools: empty, wrong types, references, tags, odd ports and paths. */
const ODD_VALUES = [
  "", "null", "[]", "{}", "-1", "0", "1e9", "true", "'x'", '"${X:?missing}"', "${X}", "${X:-}", "a:b:c", "[a, {b: c}]", "~", "99999", "/abs", "../rel",
  "service:web", "container:x", "!reset null", "!override []", "{condition: service_healthy}", "[web]", "$$", "%", '"\\t"', "1:2:3:4", "[::1]:80:80", "*nope", "&a x",
];
const ODD_PREFIXES = ["", "x-", "a", "network_mode: ", "- ", "<<: "];

function mutate(text: string, next: () => number): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const lines = text.split("\n");
  for (let n = 1 + Math.floor(next() * 4); n > 0; n--) {
    const j = Math.floor(next() * lines.length);
    const r = next();
    if (r < 0.25) lines.splice(j, 1);
    else if (r < 0.45) lines.splice(j, 0, pick(lines));
    else if (r < 0.8) lines[j] = (lines[j] ?? "").replace(/:\s.*$/, `: ${pick(ODD_VALUES)}`);
    else lines[j] = (lines[j] ?? "").replace(/^(\s*)(- )?/, `$1$2${pick(ODD_PREFIXES)}`);
  }
  return lines.join("\n");
}

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
        const r = compile({ path: "compose.yaml", content }, { projectName: "m", projectDirectory: "/srv/m", environment: { API_KEY: "k" }, readFile: () => undefined });
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

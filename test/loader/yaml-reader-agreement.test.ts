import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { DiagnosticBag } from "../../src/diagnostics.js";
import { parseYamlTree } from "../../src/frontend/parse-yaml.js";
import { compile, type CompileResult } from "../../src/index.js";
// @ts-expect-error the benchmark's generator is plain JavaScript without declarations
import { generateCompose as untypedGenerateCompose } from "../../bench/generate.mjs";
import { compileFixture, listFixtures } from "../support/fixtures.js";
import { mutate, originals } from "../support/mutation.js";
import { prng } from "../support/systemd-exec.js";

/**
 * The whole load, read through the block reader and the yaml package, and
 * through the yaml package alone, must give the same result: the model with
 * every position it carries, every diagnostic with its place, every output
 * file; and each file's own tree, where every key and value has a position
 * even when nothing later asks for it. Before the block reader goes, this
 * shows what dropping it changes.
 */

const reader = vi.hoisted(() => ({ blockReader: true, accepted: 0 }));

vi.mock("../../src/frontend/read-block-yaml.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../src/frontend/read-block-yaml.js")>();
  return {
    readBlockYaml: (file: Parameters<typeof actual.readBlockYaml>[0]) => {
      if (!reader.blockReader) return undefined;
      const tree = actual.readBlockYaml(file);
      if (tree) reader.accepted++;
      return tree;
    },
  };
});

const generateCompose = untypedGenerateCompose as (services: number) => string;
const CORPUS = new URL("../../../shared/corpus/", import.meta.url).pathname;

/** A result as text, Maps spelled out, so that two loads compare field by field, positions included. */
function shown(result: CompileResult): string {
  return JSON.stringify(
    { project: result.project ?? null, diagnostics: result.diagnostics, files: result.files, sources: result.sources },
    (_key, value: unknown) => (value instanceof Map ? { map: [...value] } : value instanceof Set ? { set: [...value] } : value),
    1,
  );
}

/** The first line where the two texts differ, with a little context, for a readable failure. */
function firstDifference(a: string, b: string): string | undefined {
  if (a === b) return undefined;
  const x = a.split("\n");
  const y = b.split("\n");
  let i = 0;
  while (x[i] === y[i]) i++;
  return `line ${i + 1}:\n  both:   ${x.slice(Math.max(0, i - 6), i).join("\n          ")}\n  block:  ${x[i]}\n  yaml:   ${y[i]}`;
}

/** The difference between loading with and without the block reader, or undefined when there is none. */
function disagreement(load: () => CompileResult): string | undefined {
  reader.blockReader = true;
  const withBlockReader = shown(load());
  reader.blockReader = false;
  const yamlOnly = shown(load());
  reader.blockReader = true;
  return firstDifference(withBlockReader, yamlOnly);
}

/** The same for one file's positioned tree and the diagnostics of reading it. */
function treeDisagreement(path: string, content: string): string | undefined {
  const read = () => {
    const diagnostics = new DiagnosticBag();
    const tree = parseYamlTree({ path, content }, diagnostics);
    return JSON.stringify({ tree: tree ?? null, diagnostics: diagnostics.sorted() }, (_key, value: unknown) => (value instanceof Map ? { map: [...value] } : value), 1);
  };
  reader.blockReader = true;
  const withBlockReader = read();
  reader.blockReader = false;
  const yamlOnly = read();
  reader.blockReader = true;
  return firstDifference(withBlockReader, yamlOnly);
}

function corpusFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (/^(docker-)?compose(\.[\w-]+)?\.ya?ml$/.test(entry)) out.push(full);
    }
  };
  if (existsSync(CORPUS)) walk(CORPUS);
  return out;
}

const readDisk = (path: string) => (existsSync(path) && statSync(path).isFile() ? readFileSync(path, "utf8") : undefined);

function compileText(content: string): CompileResult {
  return compile({ path: "compose.yaml", content }, { projectName: "p", projectDirectory: "/srv/p", environment: { X: "x", TAG: "1.0" }, readFile: () => undefined });
}

describe("the block reader and the yaml package load the same project", () => {
  it("on every fixture", () => {
    const before = reader.accepted;
    for (const fixture of listFixtures()) {
      expect(disagreement(() => compileFixture(fixture)), fixture.name).toBeUndefined();
      expect(treeDisagreement(fixture.composeFile, readFileSync(join(fixture.dir, fixture.composeFile), "utf8")), fixture.name).toBeUndefined();
    }
    expect(reader.accepted).toBeGreaterThan(before);
  });

  it.runIf(existsSync(CORPUS))("on every compose file of the corpus", () => {
    const files = corpusFiles();
    expect(files.length).toBeGreaterThan(10);
    for (const path of files) {
      const load = () => compile({ path: relative(CORPUS, path), content: readFileSync(path, "utf8") }, { workingDirectory: CORPUS, environment: {}, readFile: readDisk });
      expect(disagreement(load), path).toBeUndefined();
      expect(treeDisagreement(path, readFileSync(path, "utf8")), path).toBeUndefined();
    }
  });

  it("on generated projects of every size the benchmark uses, and a few between", () => {
    for (const n of [1, 2, 10, 37, 250, 1000]) {
      expect(disagreement(() => compileText(generateCompose(n))), `${n} services`).toBeUndefined();
      expect(treeDisagreement("compose.yaml", generateCompose(n)), `${n} services`).toBeUndefined();
    }
  });

  it("on seeded mutations of the fixtures and the corpus, valid or not", () => {
    const texts = originals();
    const runs = Number(process.env.YAML_AGREEMENT_RUNS ?? 1500);
    for (let seed = 1; seed <= runs; seed++) {
      const next = prng(seed);
      const text = mutate(texts[seed % texts.length]!, next);
      expect(disagreement(() => compileText(text)), `seed ${seed}:\n${text}`).toBeUndefined();
      expect(treeDisagreement("compose.yaml", text), `seed ${seed}:\n${text}`).toBeUndefined();
    }
  });
});

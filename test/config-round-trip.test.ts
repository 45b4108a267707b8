import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { compile, DiagnosticBag, loadProject, projectToYaml, type CompileOptions, type Project } from "../src/index.js";
import { fixtureSettings, listFixtures } from "./support/fixtures.js";

/**
 * `compose2units config` prints compose that loads back to the same
 * project: for every fixture and every corpus file that loads without
 * errors, the printed YAML loaded again gives the same model (positions
 * aside), prints the same YAML, and compiles to the same files.
 */

interface Case {
  readonly name: string;
  readonly path: string;
  readonly content: string;
  readonly options: CompileOptions;
}

const CORPUS = new URL("../../shared/corpus/", import.meta.url).pathname;
const readDisk = (path: string) => (existsSync(path) && statSync(path).isFile() ? readFileSync(path, "utf8") : undefined);

function fixtureCases(): Case[] {
  return listFixtures().map((f) => ({
    name: `fixture ${f.name}`,
    path: f.composeFile,
    content: readFileSync(join(f.dir, f.composeFile), "utf8"),
    options: {
      projectDirectory: f.projectDirectory,
      environment: {},
      ...fixtureSettings(f),
      readFile: (path) => (path.startsWith(f.projectDirectory + "/") ? readDisk(join(f.dir, relative(f.projectDirectory, path))) : undefined),
    },
  }));
}

function corpusCases(): Case[] {
  const out: Case[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (/^(docker-)?compose(\.[\w-]+)?\.ya?ml$/.test(entry)) {
        out.push({
          name: `corpus ${relative(CORPUS, full)}`,
          path: relative(CORPUS, full),
          content: readFileSync(full, "utf8"),
          options: { workingDirectory: CORPUS, environment: {}, readFile: readDisk },
        });
      }
    }
  };
  if (existsSync(CORPUS)) walk(CORPUS);
  return out;
}

function loaded(c: Case, content: string): Project | undefined {
  const bag = new DiagnosticBag();
  const project = loadProject({ path: c.path, content }, c.options, bag);
  return bag.sorted().some((d) => d.severity === "error") ? undefined : project;
}

/** The model without positions: the printed file has other lines and columns. */
function withoutPositions(project: Project): unknown {
  return JSON.parse(JSON.stringify(project, (key, value: unknown) => (key === "at" || key === "nameAt" ? undefined : value)));
}

const cases = [...fixtureCases(), ...corpusCases()].filter((c) => loaded(c, c.content) !== undefined);

describe("config output loads back to the same project", () => {
  it("covers every fixture and the corpus files that load", () => {
    expect(cases.filter((c) => c.name.startsWith("fixture")).length).toBe(listFixtures().length);
    if (existsSync(CORPUS)) expect(cases.length).toBeGreaterThan(listFixtures().length);
  });

  it.each(cases.map((c) => [c.name, c] as const))("%s", (_, c) => {
    const original = loaded(c, c.content)!;
    const printed = projectToYaml(original);
    expect(printed).not.toMatch(/x-run-flags|x-create-args/);
    const again = loaded(c, printed);
    expect(again, printed).toBeDefined();
    expect(withoutPositions(again!)).toEqual(withoutPositions(original));
    expect(projectToYaml(again!)).toBe(printed);

    // Read from the same file name, so that even the header naming the source is the same.
    const before = compile({ path: c.path, content: c.content }, c.options);
    const after = compile({ path: c.path, content: printed }, c.options);
    expect(after.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(after.files.map((f) => [f.path, f.content])).toEqual(before.files.map((f) => [f.path, f.content]));
  });
});

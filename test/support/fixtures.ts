import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { compile, type CompileOptions, type CompileResult } from "../../src/index.js";

export const FIXTURES = new URL("../../fixtures/", import.meta.url).pathname;

/** Optional per-case settings in fixtures/<case>/fixture.json. */
type FixtureSettings = Omit<CompileOptions, "readFile" | "projectDirectory">;

export interface Fixture {
  readonly name: string;
  readonly dir: string;
  readonly composeFile: string;
  /** Where the fixture pretends to live, so bind paths in golden files do not depend on the checkout. */
  readonly projectDirectory: string;
}

export function listFixtures(): Fixture[] {
  return readdirSync(FIXTURES)
    .filter((name) => statSync(join(FIXTURES, name)).isDirectory())
    .sort()
    .map((name) => {
      const dir = join(FIXTURES, name);
      const composeFile = ["docker-compose.yml", "docker-compose.yaml", "compose.yaml", "compose.yml"].find((f) => existsSync(join(dir, f)));
      if (!composeFile) throw new Error(`fixture ${name} has no compose file`);
      return { name, dir, composeFile, projectDirectory: `/srv/${name}` };
    });
}

/** The compile options a fixture sets in its fixture.json (none when it has none). */
export function fixtureSettings(fixture: Fixture): FixtureSettings {
  const settingsPath = join(fixture.dir, "fixture.json");
  return existsSync(settingsPath) ? (JSON.parse(readFileSync(settingsPath, "utf8")) as FixtureSettings) : {};
}

/** Compiles a fixture through the library with a virtual file system rooted at its folder. */
export function compileFixture(fixture: Fixture): CompileResult {
  const settings = fixtureSettings(fixture);
  const content = readFileSync(join(fixture.dir, fixture.composeFile), "utf8");
  return compile(
    { path: fixture.composeFile, content },
    {
      projectDirectory: fixture.projectDirectory,
      environment: {},
      ...settings,
      readFile: (path) => {
        if (!path.startsWith(fixture.projectDirectory + "/")) return undefined;
        const real = join(fixture.dir, relative(fixture.projectDirectory, path));
        return existsSync(real) ? readFileSync(real, "utf8") : undefined;
      },
    },
  );
}

/** Every file below `dir`, as relative path → content. */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  const walk = (d: string) => {
    for (const entry of readdirSync(d).sort()) {
      const full = join(d, entry);
      if (statSync(full).isDirectory()) walk(full);
      else out.set(relative(dir, full), readFileSync(full, "utf8"));
    }
  };
  walk(dir);
  return out;
}

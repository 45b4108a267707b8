// @module-tag real
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { validatorSource } from "../scripts/generate-validator.mjs";

/**
 * What `npm run build` makes so that the CLI starts fast: the compose schema
 * validator as generated code, and the CLI as one bundled script with V8's
 * code cache. How fast it starts is measured by `npm run bench`, not here;
 * these check that the fast path is the one that runs, and runs what the
 * sources say.
 */
const root = fileURLToPath(new URL("..", import.meta.url));

describe("build artifacts for a fast start", () => {
  it("the generated validator is the one the current schema gives", () => {
    const generated = readFileSync(`${root}generated/compose-schema-validator.js`, "utf8");
    expect(generated === validatorSource(), "generated/ is stale: run `npm run build`").toBe(true);
  });

  it("the generated validator needs no Ajv at run time", () => {
    const generated = readFileSync(`${root}generated/compose-schema-validator.js`, "utf8");
    expect(generated).not.toMatch(/\brequire\(|from "ajv\/dist\/(compile|core|2020)/);
  });

  it("bin/compose2units runs the bundle, and V8 takes its code cache", () => {
    const probe = `process.stdout.write(String(require(${JSON.stringify(`${root}dist/cli/bundled-cli.cjs`)}).loadBundledCli().usesCodeCache))`;
    const r = spawnSync(process.execPath, ["-e", probe], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("true");
    expect(readFileSync(`${root}bin/compose2units`, "utf8")).toContain('require("../dist/cli/bundled-cli.cjs")');
  });

  it("the bundle carries no module it would have to resolve at start", () => {
    const bundle = readFileSync(`${root}dist/cli/compose2units.cjs`, "utf8");
    const required = [...bundle.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]!);
    expect(required.length).toBeGreaterThan(0);
    expect(required.filter((name) => !isBuiltin(name))).toEqual([]);
  });
});

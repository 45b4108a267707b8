#!/usr/bin/env node
// Bundles the built CLI (dist/cli/main.js) and the packages it uses into dist/cli/compose2units.cjs,
// then runs it once on the bundled example and saves V8's code cache beside it
// (src/cli/bundled-cli.cts explains why). `npm run build` runs this after tsc.
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));

// Builtins the CLI rarely calls but that load much of Node with them: the bundle takes them from
// a stand-in that loads the real one on first use (scripts/on-first-use/ says why, for each).
// child_process only where commander asks for it; compose2units' own code gets the real one.
const onFirstUse = {
  name: "builtins-on-first-use",
  setup(build) {
    const standIn = (name) => `${root}scripts/on-first-use/${name}.mjs`;
    build.onResolve({ filter: /^node:zlib$/ }, ({ importer }) => (importer === standIn("zlib") ? undefined : { path: standIn("zlib") }));
    build.onResolve({ filter: /^node:child_process$/ }, ({ importer }) =>
      importer.includes("/node_modules/commander/") ? { path: standIn("child_process") } : undefined,
    );
  },
};

await build({
  entryPoints: [`${root}dist/cli/main.js`],
  outfile: `${root}dist/cli/compose2units.cjs`,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  // CommonJS has no import.meta; main.js finds package.json from its own URL.
  banner: { js: `var __bundleUrl = require("node:url").pathToFileURL(__filename).href;` },
  define: { "import.meta.url": "__bundleUrl" },
  plugins: [onFirstUse],
  // A smaller script is read and hashed (to match the code cache) faster: about 5 ms of a 75 ms start.
  // Names are kept, so an internal error still names the function and class it came from.
  minify: true,
  keepNames: true,
  logLevel: "warning",
});

rmSync(`${root}dist/cli/compose2units.code-cache`, { force: true });
// The same loader bin/compose2units uses, so V8 will take the cache it writes.
const { loadBundledCli } = createRequire(import.meta.url)("../dist/cli/bundled-cli.cjs");
const cli = loadBundledCli();
const out = mkdtempSync(join(tmpdir(), "compose2units-bundle-"));
try {
  const status = await cli.main([`${root}fixtures/identidock-v1/docker-compose.yml`, "-p", "identidock", "-o", join(out, "units")]);
  if (status !== 0) throw new Error(`bundle-cli: the bundled CLI failed on the example (exit ${status})`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
cli.saveCodeCache();

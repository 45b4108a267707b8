import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Script } from "node:vm";

// `npm run build` bundles the CLI and the packages it uses into one CommonJS script
// (scripts/bundle-cli.mjs): resolving and loading a hundred modules one by one took longer than
// compiling a project. Beside it, V8's code cache from a run on the bundled example spares the
// next runs from compiling those functions again. Node 20 caches no user code by itself.
// This file is CommonJS (.cts) so that bin/compose2units can start without the ES module loader.
const bundlePath = join(__dirname, "compose2units.cjs");
const codeCachePath = join(__dirname, "compose2units.code-cache");

export interface BundledCli {
  readonly main: (argv: readonly string[]) => Promise<number>;
  /** Whether V8 took the saved code cache (it refuses one made by another V8 or with other flags). */
  readonly usesCodeCache: boolean;
  /** Writes V8's code for every function compiled so far, for the next process to start from. */
  readonly saveCodeCache: () => void;
}

/** Loads the bundled CLI, starting from the code cache when V8 accepts it (same V8, same flags). */
export function loadBundledCli(): BundledCli {
  const source = readFileSync(bundlePath, "utf8");
  const cachedData = readCodeCache();
  // The wrapper CommonJS puts around a module, so the bundle runs as if require() had loaded it.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundlePath,
    cachedData,
  });
  const module = { exports: {} as { main?: BundledCli["main"] } };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run(module.exports, createRequire(bundlePath), module, bundlePath, dirname(bundlePath));
  const { main } = module.exports;
  if (typeof main !== "function") throw new Error(`${bundlePath} does not export main`);
  return {
    main,
    usesCodeCache: cachedData !== undefined && !script.cachedDataRejected,
    saveCodeCache: () => writeFileSync(codeCachePath, script.createCachedData()),
  };
}

function readCodeCache(): Buffer | undefined {
  try {
    return readFileSync(codeCachePath);
  } catch {
    return undefined; // not made yet: the CLI runs the same, only slower
  }
}

import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { OutputFile } from "../emit/output-file.js";

/** The list of files compose2units wrote into a folder; its presence marks the folder as ours. */
export const MANIFEST = ".compose2units-manifest";

export class OutputDirError extends Error {}

/**
 * Replaces the output folder as a whole: everything is written into a fresh
 * sibling folder first and swapped in with renames, so a failure never
 * leaves a half-written out/. A folder that holds files compose2units did
 * not write is refused rather than replaced.
 */
export function writeOutputDir(dir: string, files: readonly OutputFile[]): void {
  checkOutputDir(dir);
  stage(dir, files);
}

/** Throws OutputDirError when `dir` may not be replaced; writes nothing. Check every folder before writing any. */
export function checkOutputDir(dir: string): void {
  if (existsSync(dir)) {
    const entries = readdirSync(dir);
    if (entries.length > 0 && !entries.includes(MANIFEST)) {
      throw new OutputDirError(`refusing to replace ${dir}: it is not empty and was not written by compose2units`);
    }
    const listed = new Set(entries.includes(MANIFEST) ? readFileSync(join(dir, MANIFEST), "utf8").split("\n").filter(Boolean).map((p) => p.split("/")[0]!) : []);
    const foreign = entries.filter((e) => e !== MANIFEST && !listed.has(e));
    if (foreign.length > 0) throw new OutputDirError(`refusing to replace ${dir}: it holds files compose2units did not write (${foreign.join(", ")})`);
  }
}

function stage(dir: string, files: readonly OutputFile[]): void {
  const parent = dirname(dir);
  mkdirSync(parent, { recursive: true });
  const staging = mkdtempSync(join(parent, `.${basename(dir)}.new-`));
  try {
    for (const file of files) {
      const target = join(staging, file.path);
      mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
      writeFileSync(target, file.content, { mode: Number.parseInt(file.permissions, 8) });
      chmodSync(target, Number.parseInt(file.permissions, 8));
    }
    writeFileSync(join(staging, MANIFEST), files.map((f) => f.path).join("\n") + "\n");
    chmodSync(staging, 0o755);
    if (existsSync(dir)) {
      const old = mkdtempSync(join(parent, `.${basename(dir)}.old-`));
      renameSync(dir, join(old, "out"));
      renameSync(staging, dir);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(staging, dir);
    }
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}

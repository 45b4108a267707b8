import { chmodSync, closeSync, existsSync, fchmodSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join, posix } from "node:path";
import type { OutputFile } from "../emit/output-file.js";

/** The list of files compose2units wrote into a folder; its presence marks the folder as ours. */
export const MANIFEST = ".compose2units-manifest";
/** Where new files wait inside the folder until all of them are written; a leftover one is ours to remove. */
const STAGING_PREFIX = ".compose2units-staging-";
const MANIFEST_HEADER = "# Files compose2units generated here. It removes them when they are no longer generated; other files are left alone.";

export class OutputDirError extends Error {}

/** What is at a path in the folder now. */
export interface ExistingFile {
  readonly content: string;
  /** Octal permission bits, e.g. "0644". */
  readonly permissions: string;
}

export interface FileChange {
  readonly path: string;
  /** Absent: the file is new. */
  readonly before?: ExistingFile;
  /** Absent: the file was generated before and is not any more, so it goes. */
  readonly after?: OutputFile;
}

/** What writing a set of files into a folder would change; planned before anything is written. */
export interface OutputPlan {
  readonly dir: string;
  readonly exists: boolean;
  /** Paths the folder's manifest lists now. */
  readonly previous: readonly string[];
  readonly files: readonly OutputFile[];
  /** Files added, changed (content or permissions) or removed, by path; unchanged files are left out. */
  readonly changes: readonly FileChange[];
}

export interface PlanOptions {
  /** Write into a non-empty folder without a manifest, and over files it holds that compose2units did not write. */
  readonly force?: boolean;
}

/**
 * Reads `dir` and works out what writing `files` into it would change;
 * writes nothing. Throws OutputDirError when compose2units may not write
 * there: a non-empty folder without a manifest, or a generated path taken
 * by a file compose2units did not write (both allowed with `force`).
 * Plan every folder before writing any.
 */
export function planOutputDir(dir: string, files: readonly OutputFile[], options: PlanOptions = {}): OutputPlan {
  if (!existsSync(dir)) return { dir, exists: false, previous: [], files, changes: files.map((f) => ({ path: f.path, after: f })).sort(byPath) };
  if (!statSync(dir).isDirectory()) throw new OutputDirError(`${dir} is not a folder`);
  const entries = readdirSync(dir).filter((e) => !e.startsWith(STAGING_PREFIX));
  const hasManifest = entries.includes(MANIFEST);
  if (!hasManifest && entries.length > 0 && !options.force) {
    throw new OutputDirError(
      `refusing to replace ${dir}: it is not empty and was not written by compose2units (it has no ${MANIFEST}); --force writes into it, leaving its other files alone`,
    );
  }
  const previous = hasManifest ? readManifest(dir) : [];
  const ours = new Set(previous);
  const produced = new Set(files.map((f) => f.path));
  const changes: FileChange[] = [];
  const taken: string[] = [];
  for (const file of files) {
    const target = join(dir, file.path);
    blockingParent(dir, file.path);
    const before = readExisting(target, file.path);
    if (before && !ours.has(file.path)) taken.push(file.path);
    if (!before || before.content !== file.content || before.permissions !== file.permissions) changes.push({ path: file.path, ...(before ? { before } : {}), after: file });
  }
  if (taken.length > 0 && !options.force) {
    throw new OutputDirError(`refusing to overwrite files in ${dir} that compose2units did not write: ${taken.join(", ")}; --force overwrites them`);
  }
  for (const path of previous) {
    if (produced.has(path)) continue;
    // A folder in place of a file of ours was put there by someone else: left alone.
    const before = isFolder(join(dir, path)) ? undefined : readExisting(join(dir, path), path);
    if (before) changes.push({ path, before });
  }
  changes.sort(byPath);
  return { dir, exists: true, previous, files, changes };
}

/**
 * Carries out a plan. A new folder is built beside its final place and
 * renamed into it. In an existing folder, new and changed files are all
 * written to a staging folder first and only then renamed into place, and
 * the manifest always lists every file of ours in the folder: first the
 * old and new files together, at the end only the new ones. Files the
 * manifest does not list are never touched.
 */
export function applyOutputPlan(plan: OutputPlan): void {
  if (!plan.exists) {
    createFolder(plan.dir, plan.files);
    return;
  }
  const { dir } = plan;
  const final = plan.files.map((f) => f.path).sort();
  if (plan.changes.length === 0 && sameList(plan.previous, final) && readManifestText(dir) === manifestText(final)) return;
  for (const e of readdirSync(dir)) if (e.startsWith(STAGING_PREFIX)) rmSync(join(dir, e), { recursive: true, force: true });
  const writes = plan.changes.filter((c) => c.after && (!c.before || c.before.content !== c.after.content));
  const staging = mkdtempSync(join(dir, STAGING_PREFIX));
  try {
    writes.forEach((c, i) => writeFile(join(staging, String(i)), c.after!));
    writeManifest(dir, [...new Set([...plan.previous, ...final])].sort());
    writes.forEach((c, i) => {
      mkdirSync(dirname(join(dir, c.path)), { recursive: true, mode: 0o755 });
      renameSync(join(staging, String(i)), join(dir, c.path));
    });
    for (const c of plan.changes) {
      if (c.after && c.before && c.before.content === c.after.content) chmodSync(join(dir, c.path), mode(c.after));
      if (!c.after) removeFile(dir, c.path);
    }
    writeManifest(dir, final);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Plans and applies in one step, for a single folder. */
export function writeOutputDir(dir: string, files: readonly OutputFile[], options: PlanOptions = {}): void {
  applyOutputPlan(planOutputDir(dir, files, options));
}

function createFolder(dir: string, files: readonly OutputFile[]): void {
  const parent = dirname(dir);
  mkdirSync(parent, { recursive: true });
  const staging = mkdtempSync(join(parent, `.${basename(dir)}.new-`));
  try {
    // Thousands of files share a handful of folders: each is made once, not once per file.
    const made = new Set<string>([staging]);
    for (const file of files) {
      const target = join(staging, file.path);
      const folder = dirname(target);
      if (!made.has(folder)) {
        mkdirSync(folder, { recursive: true, mode: 0o755 });
        made.add(folder);
      }
      writeFile(target, file);
    }
    writeFileSync(join(staging, MANIFEST), manifestText(files.map((f) => f.path).sort()));
    chmodSync(staging, 0o755);
    renameSync(staging, dir);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}

function writeFile(path: string, file: OutputFile): void {
  const fd = openSync(path, "w", mode(file));
  try {
    writeFileSync(fd, file.content);
    // The umask may have narrowed the mode given at creation.
    fchmodSync(fd, mode(file));
  } finally {
    closeSync(fd);
  }
}

function mode(file: OutputFile): number {
  return Number.parseInt(file.permissions, 8);
}

/** Replaces the manifest with a rename, so it is never seen half-written. */
function writeManifest(dir: string, paths: readonly string[]): void {
  const temporary = join(dir, `${STAGING_PREFIX}manifest`);
  writeFileSync(temporary, manifestText(paths));
  renameSync(temporary, join(dir, MANIFEST));
}

function manifestText(paths: readonly string[]): string {
  return [MANIFEST_HEADER, ...paths].join("\n") + "\n";
}

function byPath(a: FileChange, b: FileChange): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function readManifestText(dir: string): string | undefined {
  try {
    return readFileSync(join(dir, MANIFEST), "utf8");
  } catch {
    return undefined;
  }
}

function isFolder(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The manifest's paths; one that could reach outside the folder means it was not written by compose2units. */
function readManifest(dir: string): string[] {
  const lines = readFileSync(join(dir, MANIFEST), "utf8").split("\n");
  const paths: string[] = [];
  lines.forEach((line, i) => {
    if (line === "" || line.startsWith("#")) return;
    if (posix.isAbsolute(line) || posix.normalize(line) !== line || line.split("/").some((s) => s === ".." || s === ".") || line === MANIFEST) {
      throw new OutputDirError(`${join(dir, MANIFEST)}:${i + 1}: "${line}" is not a path inside the folder; remove the manifest or the folder`);
    }
    paths.push(line);
  });
  return paths;
}

function readExisting(target: string, path: string): ExistingFile | undefined {
  let stat;
  try {
    stat = lstatSync(target);
  } catch {
    return undefined;
  }
  if (stat.isDirectory()) throw new OutputDirError(`cannot write ${path}: ${target} is a folder`);
  const content = stat.isFile() ? readFileSync(target, "utf8") : "";
  return { content, permissions: "0" + (stat.mode & 0o777).toString(8).padStart(3, "0") };
}

/** A generated file's folder must be a folder (or not exist yet). */
function blockingParent(dir: string, path: string): void {
  const segments = path.split("/").slice(0, -1);
  for (let i = 1; i <= segments.length; i++) {
    const sub = join(dir, ...segments.slice(0, i));
    if (existsSync(sub) && !statSync(sub).isDirectory()) throw new OutputDirError(`cannot write ${path}: ${sub} is not a folder`);
  }
}

/** Removes a file compose2units wrote, and the folders it leaves empty below `dir`. */
function removeFile(dir: string, path: string): void {
  try {
    unlinkSync(join(dir, path));
  } catch {
    return;
  }
  for (let sub = posix.dirname(path); sub !== "."; sub = posix.dirname(sub)) {
    try {
      rmdirSync(join(dir, sub));
    } catch {
      return;
    }
  }
}

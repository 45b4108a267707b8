import {
  copyFileSync,
  constants,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  unlinkSync,
} from "node:fs";
import { basename, dirname, join, posix, sep } from "node:path";
import type { OutputFile } from "../emit/output-file.js";
import {
  asOutputDirError,
  badRelativePath,
  checkCreatable,
  codeOf,
  createFile,
  lookBelow,
  makeFolderPath,
  OutputDirError,
  PATH_MAX,
  permissionsOf,
  readGeneratedFile,
  setMode,
  shown,
  type Found,
} from "./output-fs.js";
import { lockOutputFolder, type LockOptions } from "./output-lock.js";

export { OutputDirError } from "./output-fs.js";

/** The list of files compose2units wrote into a folder; its presence marks the folder as ours. */
export const MANIFEST = ".compose2units-manifest";
/** Where new files wait inside the folder until all of them are written; a leftover one is ours to remove. */
const STAGING_PREFIX = ".compose2units-staging-";
const MANIFEST_HEADER = "# Files compose2units generated here. It removes them when they are no longer generated; other files are left alone.";

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

/** A folder generated files go in, and the mode it gets: 0700 when it holds files only their owner may read. */
export interface PlannedFolder {
  readonly path: string;
  readonly mode: number;
  readonly exists: boolean;
  /** It exists with a wider mode than it should have, and is narrowed. */
  readonly narrow: boolean;
}

/** What writing a set of files into a folder would change; planned before anything is written. */
export interface OutputPlan {
  readonly dir: string;
  readonly exists: boolean;
  /** Paths the folder's manifest lists now. */
  readonly previous: readonly string[];
  /** The manifest's text now; absent when the folder has none. */
  readonly manifest?: string;
  readonly files: readonly OutputFile[];
  /** Every folder the files go in, parents first. */
  readonly folders: readonly PlannedFolder[];
  /** Files added, changed (content or permissions) or removed, by path; unchanged files are left out. */
  readonly changes: readonly FileChange[];
}

export interface PlanOptions {
  /** Write into a non-empty folder without a manifest, and over files it holds that compose2units did not write. */
  readonly force?: boolean;
}

export interface ApplyOptions {
  /** Asked right before the folder first changes: false means another run took the folder's lock, and nothing is changed. */
  readonly held?: () => boolean;
}

/**
 * Reads `dir` and works out what writing `files` into it would change;
 * writes nothing and follows no symbolic link below `dir`. Throws
 * OutputDirError when compose2units may not write there: a generated path
 * that cannot be a file name, a non-empty folder without a manifest or a
 * generated path taken by a file compose2units did not write (both allowed
 * with `force`), a manifest that names a path outside the folder, a
 * symbolic link, a non-folder or a non-regular file where a generated file
 * goes or along its path. Plan every folder before writing any.
 */
export function planOutputDir(dir: string, files: readonly OutputFile[], options: PlanOptions = {}): OutputPlan {
  try {
    return plan(dir, files, options);
  } catch (e) {
    throw asOutputDirError(e, `cannot read ${dir}`);
  }
}

function plan(dir: string, files: readonly OutputFile[], options: PlanOptions): OutputPlan {
  checkGenerated(dir, files);
  const wanted = folderModes(files);
  const top = statSync(dir, { throwIfNoEntry: false });
  if (top === undefined) {
    checkCreatable(dir);
    return {
      dir,
      exists: false,
      previous: [],
      files,
      folders: wanted.map((f) => ({ ...f, exists: false, narrow: false })),
      changes: files.map((f) => ({ path: f.path, after: f })).sort(byPath),
    };
  }
  if (!top.isDirectory()) throw new OutputDirError(`${dir} is not a folder`);
  const entries = readdirSync(dir).filter((e) => !e.startsWith(STAGING_PREFIX));
  const manifestAt = lookBelow(dir, MANIFEST);
  if (manifestAt.kind === "found" && !manifestAt.stat.isFile())
    throw new OutputDirError(`refusing to use ${join(dir, MANIFEST)}: it is not a regular file; remove it`);
  const hasManifest = manifestAt.kind === "found";
  if (!hasManifest && entries.length > 0 && !options.force) {
    throw new OutputDirError(
      `refusing to replace ${dir}: it is not empty and was not written by compose2units (it has no ${MANIFEST}); --force writes into it, leaving its other files alone`,
    );
  }
  const manifest = hasManifest ? readGeneratedFile(join(dir, MANIFEST), "the manifest").content : undefined;
  const previous = manifest !== undefined ? parseManifest(dir, manifest) : [];
  const ours = new Set(previous);
  const produced = new Set(files.map((f) => f.path));
  const changes: FileChange[] = [];
  const taken: string[] = [];
  for (const file of files) {
    const before = existingFile(dir, file.path, lookBelow(dir, file.path));
    if (before && !ours.has(file.path)) taken.push(file.path);
    if (!before || before.content !== file.content || before.permissions !== file.permissions)
      changes.push({ path: file.path, ...(before ? { before } : {}), after: file });
  }
  if (taken.length > 0 && !options.force) {
    throw new OutputDirError(`refusing to overwrite files in ${dir} that compose2units did not write: ${taken.join(", ")}; --force overwrites them`);
  }
  for (const path of previous) {
    if (produced.has(path)) continue;
    const found = lookBelow(dir, path, true);
    // Something other than a file in place of a file of ours was put there by someone else: left alone.
    if (found.kind === "none" || !found.stat.isFile()) continue;
    changes.push({ path, before: existingFile(dir, path, found)! });
  }
  changes.sort(byPath);
  const folders = wanted.map((f) => {
    const found = lookBelow(dir, f.path);
    const exists = found.kind === "found";
    return { ...f, exists, narrow: exists && f.mode === 0o700 && (found.stat.mode & 0o077) !== 0 };
  });
  return { dir, exists: true, previous, ...(manifest !== undefined ? { manifest } : {}), files, folders, changes };
}

/**
 * Carries out a plan; the caller holds the folder's lock (lockOutputFolder).
 * A new folder is built beside its final place and renamed into it. In an
 * existing folder, new and changed files are all written to a staging
 * folder under their final names first (so a name the file system refuses
 * fails before anything changes), and only then renamed into place; the
 * manifest always lists every file of ours in the folder: first the old and
 * new files together, at the end only the new ones. A failure on the way
 * undoes every step, so the folder is left as it was. Files the manifest
 * does not list are never touched.
 */
export function applyOutputPlan(plan: OutputPlan, options: ApplyOptions = {}): void {
  if (plan.exists) updateFolder(plan, options);
  else createFolder(plan, options);
}

/** Locks, plans and applies in one step, for a single folder. */
export function writeOutputDir(named: string, files: readonly OutputFile[], options: PlanOptions & LockOptions = {}): void {
  const dir = realFolder(named);
  const lock = lockOutputFolder(dir, options);
  try {
    applyOutputPlan(planOutputDir(dir, files, options), { held: lock.held });
  } finally {
    lock.release();
  }
}

/**
 * Whether two folders are the same or one is inside the other, as the file
 * system resolves them (through links above them, and for folders that do
 * not exist yet, through their nearest existing parent).
 */
export function foldersOverlap(a: string, b: string): boolean {
  const ra = realFolder(a);
  const rb = realFolder(b);
  const within = (x: string, y: string) => x === y || x.startsWith(y.endsWith(sep) ? y : y + sep);
  return within(ra, rb) || within(rb, ra);
}

/**
 * The folder as the file system resolves it, through links in it and above
 * it (for one that does not exist yet, through its nearest existing
 * parent): two names of one folder lock and write it as one.
 */
export function realFolder(path: string): string {
  const rest: string[] = [];
  for (let at = path; ; at = dirname(at)) {
    try {
      return join(realpathSync(at), ...rest);
    } catch {
      if (dirname(at) === at) return path;
      rest.unshift(basename(at));
    }
  }
}

function updateFolder(plan: OutputPlan, options: ApplyOptions): void {
  const { dir } = plan;
  const final = plan.files.map((f) => f.path).sort();
  const narrow = plan.folders.filter((f) => f.narrow);
  if (plan.changes.length === 0 && narrow.length === 0 && sameList(plan.previous, final) && plan.manifest === manifestText(final)) return;
  const writes = plan.changes.filter((c) => c.after && (!c.before || c.before.content !== c.after.content));
  const modeOnly = plan.changes.filter((c) => c.after && c.before && c.before.content === c.after.content);
  const removals = plan.changes.filter((c) => !c.after);
  const undo: (() => void)[] = [];
  let staging: string | undefined;
  try {
    removeLeftovers(dir, (e) => e.startsWith(STAGING_PREFIX));
    staging = mkdtempSync(join(dir, STAGING_PREFIX));
    const fresh = join(staging, "new");
    const old = join(staging, "old");
    mkdirSync(fresh, { mode: 0o700 });
    mkdirSync(old, { mode: 0o700 });
    const made = new Set<string>();
    for (const c of writes) {
      makeFolders(fresh, posix.dirname(c.path), made, () => 0o700);
      createFile(join(fresh, c.path), c.after!.content, mode(c.after!));
    }
    // The files replaced are kept (hard links, else copies) until the end, to be put back if a later step fails.
    let kept = 0;
    const keptAs = new Map<string, string>();
    for (const c of writes) {
      if (!c.before) continue;
      const aside = join(old, String(kept++));
      keepCopy(join(dir, c.path), aside);
      keptAs.set(c.path, aside);
    }
    if (options.held && !options.held()) throw new OutputDirError(`another run took the lock on ${dir}`);
    // Planned perhaps a while ago: nothing along the paths may have turned into a link or changed kind since.
    for (const c of plan.changes) recheck(dir, c);

    writeManifest(dir, staging, [...new Set([...plan.previous, ...final])].sort());
    undo.push(() => restoreManifest(dir, staging!, plan.manifest));
    for (const f of plan.folders) {
      const target = join(dir, f.path);
      if (lookBelow(dir, f.path).kind === "found") continue;
      mkdirSync(target, { mode: 0o700 });
      undo.push(() => rmdirSync(target));
      setMode(target, f.mode, "folder");
    }
    for (const f of narrow) {
      const target = join(dir, f.path);
      const before = lstatSync(target).mode & 0o777;
      setMode(target, f.mode, "folder");
      undo.push(() => setMode(target, before, "folder"));
    }
    for (const c of writes) {
      const target = join(dir, c.path);
      renameSync(join(fresh, c.path), target);
      const aside = keptAs.get(c.path);
      undo.push(aside ? () => renameSync(aside, target) : () => unlinkSync(target));
    }
    for (const c of modeOnly) {
      const target = join(dir, c.path);
      setMode(target, mode(c.after!), "file");
      undo.push(() => setMode(target, Number.parseInt(c.before!.permissions, 8), "file"));
    }
    for (const c of removals) {
      const target = join(dir, c.path);
      const aside = join(old, String(kept++));
      renameSync(target, aside);
      undo.push(() => renameSync(aside, target));
    }
    writeManifest(dir, staging, final);
  } catch (e) {
    // Undone whatever failed, a bug included.
    const restored = rollBack(undo);
    const failure = asOutputDirError(e, `cannot write ${dir}`);
    if (!(failure instanceof OutputDirError)) throw e;
    throw new OutputDirError(
      `${failure.message}; ${restored ? `${dir} is as it was` : `putting ${dir} back as it was failed too: its manifest lists every file compose2units wrote there`}`,
    );
  } finally {
    if (staging !== undefined) rmSync(staging, { recursive: true, force: true });
  }
  // Done: the folders the removed files leave empty go too (they are listed nowhere, so this may fail harmlessly).
  for (const c of removals) removeEmptyFolders(dir, c.path);
}

function createFolder(plan: OutputPlan, options: ApplyOptions): void {
  const { dir } = plan;
  const parent = dirname(dir);
  const prefix = `.${basename(dir)}.new-`;
  let building: string | undefined;
  try {
    makeFolderPath(parent);
    removeLeftovers(parent, (e) => e.startsWith(prefix));
    building = mkdtempSync(join(parent, prefix));
    const modes = new Map(plan.folders.map((f) => [f.path, f.mode]));
    // Thousands of files share a handful of folders: each is made once, not once per file.
    const made = new Set<string>();
    for (const file of plan.files) {
      makeFolders(building, posix.dirname(file.path), made, (path) => modes.get(path) ?? 0o755);
      createFile(join(building, file.path), file.content, mode(file));
    }
    createFile(join(building, MANIFEST), manifestText(plan.files.map((f) => f.path).sort()), 0o644);
    setMode(building, 0o755, "folder");
    if (options.held && !options.held()) throw new OutputDirError(`another run took the lock on ${dir}`);
    renameSync(building, dir);
    building = undefined;
  } catch (e) {
    const failure = asOutputDirError(e, `cannot create ${dir}`);
    if (!(failure instanceof OutputDirError)) throw e;
    throw new OutputDirError(`${failure.message}; nothing was written`);
  } finally {
    if (building !== undefined) rmSync(building, { recursive: true, force: true });
  }
}

/** Runs the undo steps, last first; false when one of them failed. */
function rollBack(undo: readonly (() => void)[]): boolean {
  let ok = true;
  for (const step of [...undo].reverse()) {
    try {
      step();
    } catch {
      ok = false;
    }
  }
  return ok;
}

/** Makes `folder` (relative, "." for none) and its parents below `root`, each once, with the mode given. */
function makeFolders(root: string, folder: string, made: Set<string>, modeOf: (path: string) => number): void {
  if (folder === "." || made.has(folder)) return;
  makeFolders(root, posix.dirname(folder), made, modeOf);
  const target = join(root, folder);
  mkdirSync(target, { mode: 0o700 });
  setMode(target, modeOf(folder), "folder");
  made.add(folder);
}

function keepCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch (e) {
    // File systems without hard links.
    if (!["EPERM", "ENOTSUP", "EOPNOTSUPP", "EMLINK"].includes(codeOf(e) ?? "")) throw e;
    copyFileSync(from, to, constants.COPYFILE_EXCL);
  }
}

/** What the plan saw at a changed path is still there: a regular file for a changed or removed one, nothing for a new one. */
function recheck(dir: string, change: FileChange): void {
  const found = lookBelow(dir, change.path, !change.after);
  const isFile = found.kind === "found" && found.stat.isFile();
  if (change.before ? !isFile : found.kind !== "none") {
    throw new OutputDirError(`${join(dir, change.path)} changed while compose2units was writing ${dir}`);
  }
}

/** Removes what an interrupted run left; the caller holds the lock, so no other run is using it. Links are removed, not followed. */
function removeLeftovers(dir: string, ours: (entry: string) => boolean): void {
  for (const e of readdirSync(dir)) if (ours(e)) rmSync(join(dir, e), { recursive: true, force: true });
}

function existingFile(dir: string, path: string, found: Found): ExistingFile | undefined {
  if (found.kind === "none") return undefined;
  const target = join(dir, path);
  if (found.stat.isDirectory()) throw new OutputDirError(`cannot write ${shown(path)}: ${target} is a folder`);
  if (!found.stat.isFile()) throw new OutputDirError(`cannot write ${shown(path)}: ${target} is not a regular file; remove it`);
  const { content, stat } = readGeneratedFile(target, shown(path));
  return { content, permissions: permissionsOf(stat) };
}

/** Every generated path can be a file in the folder, before anything is looked at or written. */
function checkGenerated(dir: string, files: readonly OutputFile[]): void {
  const paths = new Set<string>();
  const folders = new Set<string>();
  // The longest a path gets: in the staging folder, under a new folder's temporary name.
  const longestPrefix = Buffer.byteLength(join(dir, `${STAGING_PREFIX}XXXXXX`, "new")) + 1;
  for (const { path } of files) {
    const bad = badRelativePath(path) ?? reserved(path) ?? (paths.has(path) ? "it is generated twice" : undefined);
    if (bad !== undefined) throw new OutputDirError(`cannot write ${shown(path)} in ${dir}: ${bad}`);
    if (longestPrefix + Buffer.byteLength(path) > PATH_MAX)
      throw new OutputDirError(`cannot write ${shown(path)} in ${dir}: the path is longer than the ${PATH_MAX} bytes the kernel takes`);
    paths.add(path);
    for (let f = posix.dirname(path); f !== "."; f = posix.dirname(f)) folders.add(f);
  }
  for (const path of paths)
    if (folders.has(path)) throw new OutputDirError(`cannot write ${shown(path)} in ${dir}: it is both a file and a folder of other files`);
}

function reserved(path: string): string | undefined {
  const first = path.split("/")[0]!;
  return first === MANIFEST || first.startsWith(STAGING_PREFIX) ? "the name is compose2units' own" : undefined;
}

/** The folders the files go in, parents first: 0700 when any file below it is readable by its owner alone, else 0755. */
function folderModes(files: readonly OutputFile[]): { path: string; mode: number }[] {
  const modes = new Map<string, number>();
  for (const file of files) {
    const ownerOnly = (mode(file) & 0o077) === 0;
    for (let f = posix.dirname(file.path); f !== "."; f = posix.dirname(f)) {
      if (ownerOnly) modes.set(f, 0o700);
      else if (!modes.has(f)) modes.set(f, 0o755);
    }
  }
  return [...modes].map(([path, mode]) => ({ path, mode })).sort((a, b) => a.path.split("/").length - b.path.split("/").length || (a.path < b.path ? -1 : 1));
}

function mode(file: OutputFile): number {
  return Number.parseInt(file.permissions, 8);
}

/** Replaces the manifest with a rename, so it is never seen half-written; the new text is made in the private staging folder. */
function writeManifest(dir: string, staging: string, paths: readonly string[]): void {
  writeManifestText(dir, staging, manifestText(paths));
}

let manifests = 0;
function writeManifestText(dir: string, staging: string, text: string): void {
  const temporary = join(staging, `manifest-${manifests++}`);
  createFile(temporary, text, 0o644);
  renameSync(temporary, join(dir, MANIFEST));
}

function restoreManifest(dir: string, staging: string, text: string | undefined): void {
  if (text === undefined) unlinkSync(join(dir, MANIFEST));
  else writeManifestText(dir, staging, text);
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

/**
 * The manifest's paths. A line that is not a normalized path inside the
 * folder (absolute, `..`, `.` or empty segments, compose2units' own names)
 * was not written by compose2units: the whole manifest is refused, before
 * anything uses it.
 */
function parseManifest(dir: string, text: string): string[] {
  const paths = new Set<string>();
  text.split("\n").forEach((line, i) => {
    if (line === "" || line.startsWith("#")) return;
    const bad = badRelativePath(line) ?? reserved(line);
    if (bad !== undefined) {
      throw new OutputDirError(`${join(dir, MANIFEST)}:${i + 1}: ${shown(line)} is not a path inside the folder (${bad}); remove the manifest or the folder`);
    }
    paths.add(line);
  });
  return [...paths];
}

/** Removes the folders below `dir` that removing `path` left empty. */
function removeEmptyFolders(dir: string, path: string): void {
  for (let sub = posix.dirname(path); sub !== "."; sub = posix.dirname(sub)) {
    try {
      if (lookBelow(dir, sub).kind !== "found") return;
      rmdirSync(join(dir, sub));
    } catch {
      return;
    }
  }
}

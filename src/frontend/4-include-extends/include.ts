import { posix } from "node:path";
import type { DiagnosticBag, SourceLocation } from "../../diagnostics.js";
import { readEnvFiles } from "../1-inputs/environment.js";
import type { ComposeLayer, LoadScope, LoaderHost } from "../2-layers/compose-layer.js";
import type { Environment } from "../3-interpolate/interpolate.js";
import { mergeLayers } from "../5-merge/merge-layers.js";
import { inputPath, unexpandedHomeNote } from "../input-paths.js";
import { LIMITS } from "../limits.js";
import { child, isMap, sameValue, text, withEntry, type Tree, type TreeMap } from "../tree.js";
import { rebasePaths } from "./rebase-paths.js";

/** Loads a compose file of an included project as a layer, its own includes and extends resolved. */
export type LoadLayer = (path: string, content: string, display: string, scope: LoadScope) => ComposeLayer | undefined;

/**
 * `include:` for every file of a project. An included file is loaded like
 * any other (`loadLayer`), so its own includes and extends are resolved too;
 * what each entry brought in is remembered for the whole project.
 */
export class IncludeResolver {
  /** What each `include` entry brought in, by its files, project folder and variables; null while loading or after an error. */
  private readonly included = new Map<string, TreeMap | null>();
  /** Compose files loaded through `include` so far. */
  private includedFiles = 0;

  constructor(
    private readonly host: LoaderHost,
    private readonly loadLayer: LoadLayer,
  ) {}

  /**
   * `include:` — each entry is a project of its own (its own project
   * directory, env files and variables), whose resources are added to this
   * file's. A resource defined both here and in an included project must be
   * identical.
   */
  apply(layer: ComposeLayer, scope: LoadScope): TreeMap {
    const { diagnostics } = this.host;
    const list = child(layer.tree, "include");
    let out = withEntry(layer.tree, "include", undefined);
    if (!list) return out;
    if (list.kind !== "seq") {
      diagnostics.error("schema", "include must be a list", list.at);
      return out;
    }
    for (const entry of list.items) {
      const spec = includeSpec(entry);
      if (!spec) {
        diagnostics.error("schema", "an include entry must be a path or a mapping with path:", entry.at);
        continue;
      }
      const paths = spec.paths.map((p) => ({ ...p, abs: inputPath(p.value, scope.workingDir, scope.environment) }));
      const main = paths[0]!;
      const chain = [...scope.includedBy, layer.path];
      if (chain.includes(main.abs)) {
        diagnostics.error("include-cycle", `include cycle: ${[...chain, main.abs].map(this.host.display).join(" includes ")}`, main.at);
        continue;
      }
      const projectDir = spec.projectDirectory ? inputPath(spec.projectDirectory, scope.workingDir, scope.environment) : posix.dirname(main.abs);
      let envFiles = spec.envFiles.map((f) => inputPath(f, scope.workingDir, scope.environment));
      if (spec.envFiles.length === 0) {
        const dotEnv = posix.join(projectDir, ".env");
        envFiles = this.host.exists(dotEnv) ? [dotEnv] : [];
      }
      const fromFiles = readEnvFiles(envFiles, scope.environment, this.host, diagnostics);
      if (!fromFiles) continue;
      // The including project's variables win over the included project's env files.
      const environment: Environment = { ...fromFiles, ...definedOnly(scope.environment) };
      // A file included by many files, each included by many, is loaded once per set of variables, not once per path to it.
      const key = JSON.stringify([paths.map((p) => p.abs), projectDir, Object.entries(environment).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
      let imported = this.included.get(key);
      if (imported === undefined) {
        this.included.set(key, null);
        imported = this.loadIncluded(paths, projectDir, { environment, workingDir: projectDir, includedBy: chain }, scope.environment) ?? null;
        this.included.set(key, imported);
      }
      if (imported === null) continue;
      out = importResources(imported, out, this.host.display(main.abs), diagnostics);
    }
    return out;
  }

  /** The files of one `include` entry, loaded as a project of their own and merged; undefined after an error. */
  private loadIncluded(paths: readonly IncludePath[], projectDir: string, childScope: LoadScope, including: Environment): TreeMap | undefined {
    const { diagnostics } = this.host;
    const layers: ComposeLayer[] = [];
    for (const p of paths) {
      this.includedFiles++;
      if (this.includedFiles > LIMITS.includedFiles) {
        diagnostics.error("limit-exceeded", `this project includes more than ${LIMITS.includedFiles} compose files`, p.at);
        return undefined;
      }
      const content = this.host.readFile(p.abs);
      if (content === undefined) {
        diagnostics.error(
          "missing-input",
          `included file ${this.host.display(p.abs)} ${this.host.whyUnread(p.abs)}${unexpandedHomeNote(p.value, including)}`,
          p.at,
        );
        continue;
      }
      const loaded = this.loadLayer(p.abs, content, this.host.display(p.abs), childScope);
      if (loaded) layers.push(loaded);
    }
    if (layers.length !== paths.length) return undefined;
    return rebasePaths(mergeLayers(layers, diagnostics), projectDir);
  }
}

interface IncludePath {
  /** As written. */
  readonly value: string;
  readonly at: SourceLocation;
  readonly abs: string;
}

interface IncludeSpec {
  readonly paths: { value: string; at: SourceLocation }[];
  readonly projectDirectory?: string;
  readonly envFiles: string[];
}

function includeSpec(entry: Tree): IncludeSpec | undefined {
  if (entry.kind === "scalar") {
    const value = text(entry);
    return value ? { paths: [{ value, at: entry.at }], envFiles: [] } : undefined;
  }
  if (entry.kind !== "map") return undefined;
  const path = child(entry, "path");
  const paths = (path?.kind === "seq" ? path.items : path ? [path] : []).flatMap((p) => {
    const value = text(p);
    return value ? [{ value, at: p.at }] : [];
  });
  if (paths.length === 0) return undefined;
  const envFile = child(entry, "env_file");
  const envFiles = (envFile?.kind === "seq" ? envFile.items : envFile ? [envFile] : []).flatMap((f) => text(f) ?? []);
  const projectDirectory = text(child(entry, "project_directory"));
  return { paths, envFiles, ...(projectDirectory ? { projectDirectory } : {}) };
}

function definedOnly(env: Environment): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

const RESOURCES = ["services", "volumes", "networks", "secrets", "configs"] as const;

function importResources(imported: TreeMap, target: TreeMap, from: string, diagnostics: DiagnosticBag): TreeMap {
  let out = target;
  for (const key of RESOURCES) {
    const source = child(imported, key);
    if (!isMap(source)) continue;
    const existing = child(out, key);
    const entries = new Map(isMap(existing) ? existing.entries : []);
    for (const [name, value] of source.entries) {
      const local = entries.get(name);
      if (local === undefined) entries.set(name, value);
      else if (!sameValue(local, value)) {
        diagnostics.error("name-collision", `${key}.${name} is also defined by the included project ${from}, differently`, local.keyAt ?? local.at);
      }
    }
    out = withEntry(out, key, isMap(existing) ? { ...existing, entries } : { ...source, entries });
  }
  return out;
}

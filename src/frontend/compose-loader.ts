import { posix } from "node:path";
import type { DiagnosticBag, SourceLocation } from "../diagnostics.js";
import { readEnvFiles } from "./1-inputs/environment.js";
import { interpolateTree, interpolateValues, type Environment } from "./3-interpolate/interpolate.js";
import { detectFormat, liftV1, type FileFormat } from "./2-layers/legacy-format.js";
import { enforceUnicity, mergeService, mergeTrees } from "./5-merge/merge.js";
import { parseYamlTree, type RawMapping } from "./parse-yaml.js";
import { rebasePaths, rebaseService } from "./4-include-extends/rebase-paths.js";
import { child, indexTree, isMap, rawOf, sameValue, text, treeOf, withEntry, type Tree, type TreeMap } from "./tree.js";
import { inputPath, unexpandedHomeNote } from "./input-paths.js";
import type { InputReader } from "./1-inputs/input-files.js";
import { LIMITS, type LoadBudget } from "./limits.js";

/** One compose file, parsed, lifted to the current format and interpolated. */
export interface ComposeLayer {
  readonly tree: TreeMap;
  readonly format: FileFormat;
  /** Absolute path. */
  readonly path: string;
  /** The path as diagnostics show it. */
  readonly display: string;
}

/** A project being loaded: the main one, or one brought in by `include`. */
export interface LoadScope {
  /** Variables for `${...}`. */
  readonly environment: Environment;
  /** Where `include` paths (and their env files) are resolved. */
  readonly workingDir: string;
  /** Absolute paths of the files that included this project, for cycle detection. */
  readonly includedBy: readonly string[];
}

export interface LoaderHost {
  /** Reads an absolute path; undefined when it does not exist. */
  readonly readFile: (path: string) => string | undefined;
  readonly whyUnread: InputReader["whyUnread"];
  readonly exists: InputReader["exists"];
  /** What substitution and env files may still add, over every file of the project. */
  readonly budget: LoadBudget;
  readonly display: (path: string) => string;
  readonly diagnostics: DiagnosticBag;
}

/**
 * Reads compose files the way docker compose does before it merges them:
 * parse (anchors, aliases and `<<` included), lift the v1 format,
 * interpolate, bring in `include`d projects, then resolve `extends` within
 * the file and from other files. `mergeLayers` then merges a project's
 * files in order.
 */
export class ComposeLoader {
  /** Variables reported as unset, so each is reported once per project. */
  private readonly warned = new Set<string>();
  /** Files named by `extends.file`, by the variables they were read with and path; null while loading or when unreadable. */
  private readonly extendsFiles = new Map<Environment, Map<string, ComposeLayer | null>>();
  /** What each `include` entry brought in, by its files, project folder and variables; null while loading or after an error. */
  private readonly included = new Map<string, TreeMap | null>();
  /** Compose files loaded through `include` so far. */
  private includedFiles = 0;
  /** Services with their extends resolved, by the tree of the file they are in. */
  private readonly resolved = new WeakMap<TreeMap, Map<string, TreeMap>>();

  constructor(private readonly host: LoaderHost) {}

  /** A file of a project: parsed, with its includes and extends resolved. */
  loadLayer(path: string, content: string, display: string, scope: LoadScope): ComposeLayer | undefined {
    const layer = this.parse(path, content, display, scope.environment);
    if (!layer) return undefined;
    const included = this.applyIncludes(layer, scope);
    return { ...layer, tree: this.applyExtends({ ...layer, tree: included }, scope.environment) };
  }

  /** The files of one project merged in order, each list kept unique as compose does. */
  mergeLayers(layers: readonly ComposeLayer[]): TreeMap {
    let merged = layers[0]!.tree;
    for (const layer of layers.slice(1)) merged = mergeTrees(merged, layer.tree, [], this.host.diagnostics) as TreeMap;
    return enforceUnicity(merged) as TreeMap;
  }

  private parse(path: string, content: string, display: string, environment: Environment): ComposeLayer | undefined {
    const { diagnostics } = this.host;
    // Kept so that a reporter can show the line a diagnostic points at.
    diagnostics.addSource(display, content);
    const parsed = parseYamlTree({ path: display, content }, diagnostics);
    if (!parsed) return undefined;
    if (parsed.kind !== "map") {
      diagnostics.error("schema", "a compose file must be a mapping with a services: key", parsed.at);
      return undefined;
    }
    const format = detectFormat(topLevel(parsed));
    let tree: Tree;
    if (format === "v1") {
      const { value, locations, tags } = indexTree(parsed, display);
      const lifted = liftV1(value as RawMapping, locations, diagnostics);
      const doc = interpolateValues(lifted.doc, environment, lifted.locations, diagnostics, this.warned, this.host.budget);
      tree = treeOf(doc, lifted.locations, new Map([...tags].map(([p, t]) => [`/services${p}`, t])));
    } else {
      tree = mayNeedInterpolation(content) ? interpolateTree(parsed, environment, diagnostics, this.warned, this.host.budget) : parsed;
    }
    if (tree.kind !== "map") return undefined;
    return { tree, format, path, display };
  }

  /**
   * `include:` — each entry is a project of its own (its own project
   * directory, env files and variables), whose resources are added to this
   * file's. A resource defined both here and in an included project must be
   * identical.
   */
  private applyIncludes(layer: ComposeLayer, scope: LoadScope): TreeMap {
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
        diagnostics.error("invalid-value", `include cycle: ${[...chain, main.abs].map(this.host.display).join(" includes ")}`, main.at);
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
        diagnostics.error("invalid-value", `this project includes more than ${LIMITS.includedFiles} compose files`, p.at);
        return undefined;
      }
      const content = this.host.readFile(p.abs);
      if (content === undefined) {
        diagnostics.error("missing-input", `included file ${this.host.display(p.abs)} ${this.host.whyUnread(p.abs)}${unexpandedHomeNote(p.value, including)}`, p.at);
        continue;
      }
      const loaded = this.loadLayer(p.abs, content, this.host.display(p.abs), childScope);
      if (loaded) layers.push(loaded);
    }
    if (layers.length !== paths.length) return undefined;
    return rebasePaths(this.mergeLayers(layers), projectDir);
  }

  /** Resolves `extends` for every service of a file, within it and from other files. */
  private applyExtends(layer: ComposeLayer, environment: Environment): TreeMap {
    const services = child(layer.tree, "services");
    if (!isMap(services)) return layer.tree;
    const entries = new Map<string, Tree>();
    for (const [name, service] of services.entries) {
      entries.set(name, isMap(service) && !name.startsWith("x-") ? this.resolveService(layer, name, environment) : service);
    }
    return withEntry(layer.tree, "services", { ...services, entries });
  }

  /**
   * A service with its `extends` chain merged in, base first. The chain is
   * followed down without recursion to a service that extends nothing, or
   * to one already resolved, and merged on the way back up; every service
   * on it is remembered, so that a chain of thousands of services, each
   * extending the one before, is walked once and not once per service.
   */
  private resolveService(layer: ComposeLayer, name: string, environment: Environment): TreeMap {
    const links: ExtendsLink[] = [];
    const onChain = new Set<string>();
    let current = { layer, name };
    let result: TreeMap;
    for (;;) {
      const known = this.resolvedIn(current.layer).get(current.name);
      if (known) {
        result = known;
        break;
      }
      const here = `${current.layer.path}#${current.name}`;
      const step = this.extendsStep(current.layer, current.name, environment, links, onChain.has(here));
      onChain.add(here);
      if (step.kind === "done") {
        result = step.service;
        // A service reached again around a cycle is not resolved by what it became there.
        if (!step.cycle) this.resolvedIn(current.layer).set(current.name, result);
        break;
      }
      links.push(step.link);
      current = step.base;
    }
    for (let i = links.length - 1; i >= 0; i--) {
      const link = links[i]!;
      const base = link.baseLayer !== link.layer ? rebaseService(result, posix.dirname(link.baseLayer.path)) : result;
      result = mergeService(base, link.own, link.name, this.host.diagnostics);
      this.resolvedIn(link.layer).set(link.name, result);
    }
    return result;
  }

  /** The services of a layer already resolved, by name: a file loaded twice (another environment) is another layer. */
  private resolvedIn(layer: ComposeLayer): Map<string, TreeMap> {
    let known = this.resolved.get(layer.tree);
    if (!known) this.resolved.set(layer.tree, (known = new Map()));
    return known;
  }

  /** One service of a chain: what it extends, or the service itself when it extends nothing (or cannot). */
  private extendsStep(layer: ComposeLayer, name: string, environment: Environment, links: readonly ExtendsLink[], again: boolean): ExtendsStep {
    const { diagnostics } = this.host;
    const service = child(child(layer.tree, "services"), name) as TreeMap;
    const ext = child(service, "extends");
    if (!ext) return { kind: "done", service, cycle: false };
    const own = withEntry(service, "extends", undefined);
    const ref = ext.kind === "scalar" ? text(ext) : text(child(ext, "service"));
    const refAt = ext.kind === "map" ? (child(ext, "service")?.at ?? ext.at) : ext.at;
    if (!ref) {
      diagnostics.error("schema", `service "${name}": extends needs the name of a service`, ext.at);
      return { kind: "done", service: own, cycle: false };
    }
    if (again) {
      const cycle = [...links.map((l) => l.name), name];
      diagnostics.error("invalid-value", `extends cycle: ${cycle.join(" extends ")}`, refAt);
      return { kind: "done", service: own, cycle: true };
    }
    let baseLayer = layer;
    const file = ext.kind === "map" ? child(ext, "file") : undefined;
    if (file) {
      const written = text(file) ?? "";
      const path = inputPath(written, posix.dirname(layer.path), environment);
      const loaded = this.extendsFile(path, environment);
      if (!loaded) {
        const refused = this.host.readFile(path) === undefined && this.host.exists(path);
        const why = refused ? this.host.whyUnread(path) : "cannot be read";
        diagnostics.error("missing-input", `service "${name}" extends a service in ${this.host.display(path)}, which ${why}${unexpandedHomeNote(written, environment)}`, file.at);
        return { kind: "done", service: own, cycle: false };
      }
      baseLayer = loaded;
    }
    const base = child(child(baseLayer.tree, "services"), ref);
    if (!isMap(base)) {
      const where = baseLayer === layer ? "" : ` in ${baseLayer.display}`;
      diagnostics.error("undefined-reference", `service "${name}" extends undefined service "${ref}"${where}`, refAt);
      return { kind: "done", service: own, cycle: false };
    }
    return { kind: "next", link: { layer, name, own, baseLayer }, base: { layer: baseLayer, name: ref } };
  }

  /** A file named by `extends.file`: parsed and interpolated with the variables of the project naming it, without includes, loaded once. */
  private extendsFile(path: string, environment: Environment): ComposeLayer | undefined {
    let files = this.extendsFiles.get(environment);
    if (!files) this.extendsFiles.set(environment, (files = new Map()));
    const cached = files.get(path);
    if (cached !== undefined) return cached ?? undefined;
    files.set(path, null);
    const content = this.host.readFile(path);
    const layer = content === undefined ? undefined : this.parse(path, content, this.host.display(path), environment);
    files.set(path, layer ?? null);
    return layer;
  }
}

/** A service that extends another: itself without `extends`, and the layer its base is in. */
interface ExtendsLink {
  readonly layer: ComposeLayer;
  readonly name: string;
  readonly own: TreeMap;
  readonly baseLayer: ComposeLayer;
}

type ExtendsStep =
  | { readonly kind: "done"; readonly service: TreeMap; readonly cycle: boolean }
  | { readonly kind: "next"; readonly link: ExtendsLink; readonly base: { layer: ComposeLayer; name: string } };

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

/**
 * Whether any value of the file can hold a `$`: a file without one has
 * nothing to substitute, unless a double-quoted escape (`"\x24"`) writes one.
 */
function mayNeedInterpolation(content: string): boolean {
  return content.includes("$") || content.includes("\\");
}

/** The top level as detectFormat reads it: the keys, with the values of `version` and `name`. */
function topLevel(tree: TreeMap): RawMapping {
  const out: RawMapping = {};
  for (const [k, v] of tree.entries) out[k] = k === "version" || k === "name" ? rawOf(v) : null;
  return out;
}

import { posix } from "node:path";
import { DiagnosticBag } from "../diagnostics.js";
import type { Project, Service } from "../model/project.js";
import type { LoadScope } from "./2-layers/compose-layer.js";
import { loadLayers } from "./2-layers/load-layers.js";
import { mergeLayers } from "./5-merge/merge-layers.js";
import { composeFilesFromEnvironment, discoverComposeFiles, displayPath, DEFAULT_COMPOSE_FILES } from "./1-inputs/compose-files.js";
import { projectEnvironment } from "./1-inputs/environment.js";
import { resolveEnvFiles } from "./8-normalize/resolve-env-files.js";
import type { Environment } from "./3-interpolate/interpolate.js";
import type { LocationIndex } from "./location-index.js";
import { Node, isMapping, scalarText, type NormalizeContext } from "./8-normalize/context.js";
import { checkDeclaredNames } from "./8-normalize/names.js";
import { normalizeNetworks, normalizeVolumes } from "./8-normalize/resources.js";
import { normalizeService } from "./8-normalize/service.js";
import type { RawMapping, RawValue, SourceFile } from "./parse-yaml.js";
import { flattenTree } from "./tree.js";
import { inputReader, sizeRefusal, type InputReader } from "./1-inputs/input-files.js";
import { LoadBudget } from "./limits.js";
import { validateAgainstSchema } from "./7-validate/validate-schema.js";
import { parseLink } from "./short-syntax/link.js";
import { parseNamespaceReference } from "./short-syntax/reference.js";
import { parseVolumesFrom } from "./short-syntax/volumes-from.js";
import { findIllFormed } from "../text-encoding.js";

export interface LoadOptions {
  /** Like `docker compose -p`; must already be a valid name. Wins over COMPOSE_PROJECT_NAME, `name:` and the folder name. */
  readonly projectName?: string;
  /** Where relative paths (binds, env_file, `.env`) are resolved; defaults to the first compose file's folder. */
  readonly projectDirectory?: string;
  /**
   * The process environment: variables for `${...}`, COMPOSE_FILE,
   * COMPOSE_PROJECT_NAME, COMPOSE_PROFILES... It wins over `.env` in the
   * project directory (or the `envFiles`), which is read through `readFile`.
   */
  readonly environment?: Environment;
  /** Like `--env-file`: env files to read instead of the project's `.env`, relative to `workingDirectory`. */
  readonly envFiles?: readonly string[];
  /**
   * Reads the files the project refers to, by absolute path; undefined when
   * one does not exist. It may throw (best an InputRefused, whose message
   * says why) for one it will not read; that, and a text over the input
   * size limit, becomes an error where the file is named.
   */
  readonly readFile?: (path: string) => string | undefined;
  /**
   * Files in memory, by path (absolute, or relative to `workingDirectory`):
   * env files, `extends` and `include` targets, secrets, or the compose
   * files themselves for discovery. Looked up before `readFile`.
   */
  readonly files?: Readonly<Record<string, string>>;
  /** Active profiles, like `--profile` (`*` activates all); default: COMPOSE_PROFILES. */
  readonly profiles?: readonly string[];
  /**
   * The current directory: relative compose file paths, COMPOSE_FILE
   * entries and `envFiles` are relative to it, default discovery starts in
   * it, and diagnostics show paths relative to it. Default: the project
   * directory, else `/`.
   */
  readonly workingDirectory?: string;
  /** Load only these services and what they depend on, like `docker compose config SERVICE...`. */
  readonly services?: readonly string[];
}

/**
 * Front end: compose files → the typed project model, as docker compose
 * loads them. Works out the files (given, COMPOSE_FILE, or discovered), the
 * variables (process environment over `.env`), then for each file parses
 * with positions, lifts the v1 format, interpolates, resolves `include` and
 * `extends`; merges the files, validates the result against the schema,
 * and normalizes every service into long form. Returns undefined when
 * errors make a model meaningless.
 *
 * `input` is the main compose file followed by its override files; an
 * empty list means "find them as docker compose would".
 */
export function loadProject(input: SourceFile | readonly SourceFile[], options: LoadOptions, diagnostics: DiagnosticBag): Project | undefined {
  const given: readonly SourceFile[] = Array.isArray(input) ? input : [input as SourceFile];
  const cwd = posix.resolve("/", options.workingDirectory ?? options.projectDirectory ?? "/");
  const inMemory = new Map(Object.entries(options.files ?? {}).map(([path, text]) => [posix.resolve(cwd, path), text]));
  const baseRead = (path: string) => (inMemory.has(path) ? inMemory.get(path) : options.readFile?.(path));
  const contents = new Map<string, string>();
  for (const f of given) contents.set(posix.resolve(cwd, f.path), f.content);
  // Reported once, where the file is read; the text goes on, so one bad byte costs one error. Only compose
  // files are kept for code frames (the loader adds those it reads): a frame of an env file or a secret
  // would print the very value a message takes care not to quote.
  const reader = inputReader((path) => (contents.has(path) ? contents.get(path) : baseRead(path)), (path, text) => {
    if (!contents.has(path)) reportIllFormed(display(path), text, diagnostics);
  });
  const { readFile } = reader;
  const displayNames = new Map<string, string>(given.map((f) => [posix.resolve(cwd, f.path), f.path]));
  const display = (path: string) => displayNames.get(path) ?? displayPath(path, cwd);
  let refusedGiven = false;
  for (const f of given) {
    const tooLarge = sizeRefusal(f.content);
    if (tooLarge) diagnostics.error("missing-input", `${f.path} ${tooLarge}`, { file: f.path, line: 1, column: 1 });
    else {
      diagnostics.addSource(f.path, f.content);
      reportIllFormed(f.path, f.content, diagnostics);
    }
    refusedGiven ||= tooLarge !== undefined;
  }
  if (refusedGiven) return undefined;
  const processEnv = options.environment ?? {};
  const explicitDir = options.projectDirectory !== undefined ? posix.resolve(cwd, options.projectDirectory) : undefined;
  const envFiles = options.envFiles?.map((f) => posix.resolve(cwd, f));

  // Variables first: `.env` may set COMPOSE_FILE, COMPOSE_PROFILES and COMPOSE_PROJECT_NAME.
  const firstGiven = given[0] ? posix.resolve(cwd, given[0].path) : undefined;
  let envDir = explicitDir ?? (firstGiven ? posix.dirname(firstGiven) : cwd);
  const budget = new LoadBudget();
  const host = { ...reader, display, budget };
  let environment = projectEnvironment({ processEnvironment: processEnv, ...(envFiles ? { envFiles } : {}), directory: envDir, ...host }, diagnostics);
  if (!environment) return undefined;

  let files: { path: string; content: string }[] = given.map((f) => ({ path: posix.resolve(cwd, f.path), content: f.content }));
  if (files.length === 0) {
    const found = findComposeFiles(environment, cwd, envDir, reader, display, diagnostics);
    if (!found) return undefined;
    files = found;
    // Compose reads the `.env` next to the compose file it found as well; what is already set wins.
    const dir = explicitDir ?? posix.dirname(files[0]!.path);
    if (dir !== envDir && !envFiles) {
      envDir = dir;
      const again = projectEnvironment({ processEnvironment: environment, directory: dir, ...host }, diagnostics);
      if (!again) return undefined;
      environment = again;
    }
  }
  const projectDirectory = explicitDir ?? posix.dirname(files[0]!.path);

  const scope: LoadScope = { environment, workingDir: projectDirectory, includedBy: [] };
  const layers = loadLayers(files, scope, { ...host, diagnostics });
  if (!layers) return undefined;
  const format = layers[0]!.format;
  for (const layer of layers.slice(1)) {
    if (layer.format !== format) {
      diagnostics.error(
        "invalid-value",
        `${layer.display} is in the ${formatName(layer.format)} but ${layers[0]!.display} is in the ${formatName(format)}; files merged together must use the same format`,
        layer.tree.at,
      );
    }
  }
  const merged = mergeLayers(layers, diagnostics);
  if (diagnostics.hasErrors) return undefined;
  const flat = flattenTree(merged, layers[0]!.display);
  const whole = flat.value as RawMapping;
  // `x-` keys under services: are extensions, not services.
  const allServices = isMapping(whole.services) ? pick(whole.services, new Set(Object.keys(whole.services).filter((k) => !k.startsWith("x-")))) : {};
  const declared = new Set(Object.keys(allServices));
  const selection = selectServices(allServices, activeProfiles(options.profiles, environment), options.services, flat.locations, diagnostics);
  // With an explicit service list, the services left out are not looked at, not even by the schema.
  const scoped: RawMapping = options.services?.length && isMapping(whole.services) ? { ...whole, services: pick(whole.services, selection.enabled) } : whole;
  const validated = validateServices(scoped, flat.locations, diagnostics);
  if (!validated) return undefined;
  const { invalid } = validated;
  const doc = resolveEnvFiles(validated.doc, selection.enabled, flat.locations, { projectDirectory, environment, ...reader, display, diagnostics, budget });

  const name = resolveProjectName(options.projectName, environment, doc, projectDirectory, flat.locations, diagnostics);
  if (!name) return undefined;
  // -p and COMPOSE_PROJECT_NAME are written in no file; `name:`, or the top of the file for the folder's name.
  const imperativeName = options.projectName !== undefined || Boolean(environment.COMPOSE_PROJECT_NAME);
  const nameAt = imperativeName ? undefined : flat.locations.value(projectName(scalarText(doc.name) ?? "") ? "/name" : "");
  const ctx: NormalizeContext = {
    projectName: name,
    projectDirectory,
    locations: flat.locations,
    diagnostics,
    environment,
    readFile,
    whyUnread: reader.whyUnread,
    display,
  };
  const top = new Node(ctx, doc, []);
  if ("models" in doc) diagnostics.error("unsupported-key", "top-level models: needs Docker Model Runner, which the docker 20.10 hosts compose2units targets do not have", flat.locations.key("/models"));
  const servicesNode = top.child("services");
  const services: Service[] = [];
  const failed = new Set<string>(invalid);
  const badNames = checkDeclaredNames(top, selection.enabled);
  for (const serviceName of [...selection.enabled].sort()) {
    const raw = servicesNode?.get(serviceName);
    if (!isMapping(raw)) continue; // left out as malformed: already reported
    if (badNames.has(serviceName)) {
      failed.add(serviceName);
      continue;
    }
    // Each service reports into a bag of its own, so that a service with errors is known.
    const bag = new DiagnosticBag();
    const node = new Node({ ...ctx, diagnostics: bag }, raw, ["services", serviceName]);
    const service = normalizeService(node, serviceName, format, top);
    const found = bag.sorted();
    for (const d of found) (d.severity === "error" ? diagnostics.error : diagnostics.warning).call(diagnostics, d.code, d.message, d.location);
    if (service) services.push(service);
    if (!service || found.some((d) => d.severity === "error")) failed.add(serviceName);
  }
  const usedNetworks = new Set(services.flatMap((s) => s.networks.map((n) => n.network)));
  const hostConfig = top.child("x-cloud-config");
  if (doc["x-cloud-config"] !== undefined && !hostConfig) diagnostics.error("invalid-value", "x-cloud-config must be a mapping of cloud-config keys", flat.locations.value("/x-cloud-config"));
  const project: Project = {
    name,
    ...(nameAt ? { nameAt } : {}),
    services,
    networks: normalizeNetworks(top, usedNetworks),
    volumes: normalizeVolumes(top),
    ...(hostConfig ? { hostConfig: { value: hostConfig.value, at: hostConfig.at() } } : {}),
  };
  checkReferences(project, declared, selection.inactive, failed, diagnostics);
  return project;
}

function formatName(format: "v1" | "compose"): string {
  return format === "v1" ? "version 1 format (services at the top level)" : "Compose Specification format";
}

function findComposeFiles(
  environment: Environment,
  cwd: string,
  startDir: string,
  reader: InputReader,
  display: (path: string) => string,
  diagnostics: DiagnosticBag,
): { path: string; content: string }[] | undefined {
  const { readFile, whyUnread } = reader;
  const fromEnv = composeFilesFromEnvironment(environment, cwd);
  if (fromEnv) {
    const out: { path: string; content: string }[] = [];
    for (const path of fromEnv) {
      const content = readFile(path);
      if (content === undefined) diagnostics.error("missing-input", `compose file ${display(path)} (from COMPOSE_FILE) ${whyUnread(path)}`);
      else out.push({ path, content });
    }
    return out.length === fromEnv.length ? out : undefined;
  }
  // A default name that is there but cannot be read is reported, not passed over for the next name.
  const found = discoverComposeFiles(startDir, reader.exists);
  if (!found) {
    diagnostics.error("missing-input", `no compose file in ${startDir} or any folder above it (looked for ${DEFAULT_COMPOSE_FILES.join(", ")})`);
    return undefined;
  }
  for (const ignored of found.ignored) {
    diagnostics.warning("missing-input", `${display(ignored)} is ignored: ${display(found.files[0]!)} is used, as docker compose would`, { file: display(ignored), line: 1, column: 1 });
  }
  const out: { path: string; content: string }[] = [];
  for (const path of found.files) {
    const content = readFile(path);
    if (content === undefined) diagnostics.error("missing-input", `compose file ${display(path)} ${whyUnread(path)}`, { file: display(path), line: 1, column: 1 });
    else out.push({ path, content });
  }
  return out.length === found.files.length ? out : undefined;
}

/**
 * Schema validation. When only some services are malformed, the others are
 * still loaded (so each gets compiled or its own diagnostic); the malformed
 * ones are left out and reported.
 */
function validateServices(doc: RawMapping, locations: LocationIndex, diagnostics: DiagnosticBag): { doc: RawMapping; invalid: string[] } | undefined {
  if (validateAgainstSchema(doc, locations, new DiagnosticBag())) return { doc, invalid: [] };
  const services = isMapping(doc.services) ? doc.services : {};
  // Each service alone: the schema relates no top-level key to another, and a service checked
  // together with the whole rest of the file made this quadratic (4,000 services and networks: 7 s).
  const invalid = Object.keys(services).filter((name) => !validateAgainstSchema({ services: { [name]: services[name]! } }, locations, new DiagnosticBag()));
  const rest: Record<string, RawValue> = {};
  for (const [name, value] of Object.entries(services)) if (!invalid.includes(name)) rest[name] = value;
  const remaining: RawMapping = { ...doc, ...(isMapping(doc.services) ? { services: rest } : {}) };
  validateAgainstSchema(doc, locations, diagnostics);
  return invalid.length > 0 && validateAgainstSchema(remaining, locations, new DiagnosticBag()) ? { doc: remaining, invalid } : undefined;
}

/** Compose's project name rules: `-p`, then COMPOSE_PROJECT_NAME (both must be valid), then `name:`, then the folder (both normalized). */
function resolveProjectName(
  explicit: string | undefined,
  environment: Environment,
  doc: RawMapping,
  projectDirectory: string,
  locations: LocationIndex,
  diagnostics: DiagnosticBag,
): string | undefined {
  const imperative = explicit ?? (environment.COMPOSE_PROJECT_NAME || undefined);
  if (imperative !== undefined) {
    if (projectName(imperative) !== imperative || imperative === "") {
      const source = explicit !== undefined ? "project name" : "COMPOSE_PROJECT_NAME";
      diagnostics.error("invalid-value", `invalid ${source} "${imperative}": use lowercase letters, digits, "-" and "_", starting with a letter or digit`);
      return undefined;
    }
    return imperative;
  }
  const fromFile = projectName(scalarText(doc.name) ?? "");
  if (fromFile) return fromFile;
  const fromDir = projectName(posix.basename(projectDirectory));
  if (!fromDir) diagnostics.error("invalid-value", "cannot derive a project name: set name: or use --project-name", locations.value(doc.name === undefined ? "" : "/name"));
  return fromDir || undefined;
}

/** Compose's normalization: lowercase, keep only `a-z0-9_-`, must start with a letter or digit. */
export function projectName(raw: string): string {
  return raw.toLowerCase().replace(/[^a-z0-9_-]/g, "").replace(/^[_-]+/, "");
}

/** `--profile` values, else COMPOSE_PROFILES (comma-separated). */
function activeProfiles(given: readonly string[] | undefined, environment: Environment): Set<string> {
  const list = given && given.length > 0 ? given : (environment.COMPOSE_PROFILES ?? "").split(",");
  return new Set(list.map((p) => p.trim()).filter((p) => p !== ""));
}

interface Selection {
  readonly enabled: ReadonlySet<string>;
  /** Declared services left out because none of their profiles is active. */
  readonly inactive: ReadonlySet<string>;
}

/**
 * Profiles and an explicit service list, as compose applies them: a service
 * without profiles is always on; one with profiles is on when one of them is
 * active (or `*` is); a service named explicitly is on, and with it every
 * service it depends on.
 */
function selectServices(
  services: RawMapping,
  active: ReadonlySet<string>,
  selected: readonly string[] | undefined,
  locations: LocationIndex,
  diagnostics: DiagnosticBag,
): Selection {
  const all = Object.keys(services);
  const profilesOf = (name: string): string[] => {
    const raw = services[name];
    return isMapping(raw) && Array.isArray(raw.profiles) ? raw.profiles.map((p) => String(p)) : [];
  };
  // A service named explicitly turns its own profiles on, as in compose.
  const profiles = new Set(active);
  for (const name of selected ?? []) for (const p of profilesOf(name)) profiles.add(p);
  const enabled = new Set<string>();
  const inactive = new Set<string>();
  for (const name of all) {
    const own = profilesOf(name);
    if (own.length === 0 || profiles.has("*") || own.some((p) => profiles.has(p))) enabled.add(name);
    else inactive.add(name);
  }
  if (!selected || selected.length === 0) return { enabled, inactive };
  const chosen = new Set<string>();
  const visit = (name: string) => {
    if (chosen.has(name) || !enabled.has(name)) return; // an inactive dependency is reported where it is used
    chosen.add(name);
    const raw = services[name];
    if (isMapping(raw)) for (const dep of dependencyNames(raw)) visit(dep);
  };
  for (const name of selected) {
    if (!all.includes(name)) diagnostics.error("undefined-reference", `no such service: "${name}"`, locations.value("/services"));
    else visit(name);
  }
  return { enabled: chosen, inactive };
}

function pick(services: RawMapping, names: ReadonlySet<string>): RawMapping {
  const out: RawMapping = {};
  for (const [name, value] of Object.entries(services)) if (names.has(name)) out[name] = value;
  return out;
}

/**
 * Names a raw service depends on: depends_on, links, volumes_from and `service:` namespaces,
 * read by the parsers normalization uses; an entry they refuse names nothing here and is reported there.
 */
function dependencyNames(service: RawMapping): string[] {
  const out: string[] = [];
  const dependsOn = service.depends_on;
  if (Array.isArray(dependsOn)) out.push(...dependsOn.map((d) => String(d)));
  else if (isMapping(dependsOn)) out.push(...Object.keys(dependsOn));
  for (const l of Array.isArray(service.links) ? service.links : []) {
    const link = parseLink(String(l));
    if (link.ok) out.push(link.value.name);
  }
  for (const v of Array.isArray(service.volumes_from) ? service.volumes_from : []) {
    const entry = parseVolumesFrom(String(v));
    if (entry.ok && entry.value.source.kind === "service") out.push(entry.value.source.name);
  }
  for (const key of ["network_mode", "ipc", "pid"]) {
    const value = service[key];
    const reference = typeof value === "string" ? parseNamespaceReference(value) : undefined;
    if (reference?.ok && reference.value.kind === "service") out.push(reference.value.name);
  }
  return out;
}

function checkReferences(
  project: Project,
  declared: ReadonlySet<string>,
  inactive: ReadonlySet<string>,
  failed: ReadonlySet<string>,
  diagnostics: DiagnosticBag,
): void {
  const active = new Set(project.services.map((s) => s.name));
  const networks = new Set(project.networks.map((n) => n.key));
  const volumes = new Set(project.volumes.map((v) => v.key));
  const containerNames = new Map<string, string>();
  for (const service of project.services) {
    for (const dep of service.dependsOn) {
      if (active.has(dep.service) || failed.has(dep.service)) continue;
      const via = dep.origin === "depends_on" ? "depends on" : `refers to (${dep.origin})`;
      if (declared.has(dep.service) && inactive.has(dep.service)) {
        if (dep.required) diagnostics.error("undefined-reference", `service "${service.name}" ${via} "${dep.service}", whose profiles are not active`, dep.at);
      } else {
        diagnostics.error("undefined-reference", `service "${service.name}" ${via} undefined service "${dep.service}"`, dep.at);
      }
    }
    for (const n of service.networks) {
      if (!networks.has(n.network)) diagnostics.error("undefined-reference", `service "${service.name}" uses undefined network "${n.network}"`, n.at);
    }
    for (const m of service.mounts) {
      if (m.type === "volume" && !volumes.has(m.volume)) {
        diagnostics.error("undefined-reference", `service "${service.name}" uses undefined volume "${m.volume}"; declare it under the top-level volumes:`, m.at);
      }
    }
    const other = containerNames.get(service.containerName);
    if (other) diagnostics.error("name-collision", `services "${other}" and "${service.name}" both use the container name "${service.containerName}"`, service.at);
    containerNames.set(service.containerName, service.name);
  }
  reportBrokenDependencies(project, failed, diagnostics);
}

/**
 * A service that depends on a service with errors cannot be compiled either;
 * say so at the dependency, transitively, so every service left without a
 * unit has a diagnostic that names it.
 */
function reportBrokenDependencies(project: Project, failed: ReadonlySet<string>, diagnostics: DiagnosticBag): void {
  const broken = new Set(failed);
  for (let changed = true; changed; ) {
    changed = false;
    for (const service of project.services) {
      if (broken.has(service.name)) continue;
      const dep = service.dependsOn.find((d) => broken.has(d.service));
      if (!dep) continue;
      const why = failed.has(dep.service) ? "which has errors" : "which cannot be compiled either";
      diagnostics.error("undefined-reference", `service "${service.name}" depends on "${dep.service}", ${why}`, dep.at);
      broken.add(service.name);
      changed = true;
    }
  }
}

/** A located error at the first byte of `text` that was not UTF-8 (or the first lone surrogate of a string given as text). */
function reportIllFormed(file: string, text: string, diagnostics: DiagnosticBag): void {
  const bad = findIllFormed(text);
  if (bad) diagnostics.error("invalid-encoding", bad.message, { file, line: bad.line, column: bad.column });
}

import { posix } from "node:path";
import type { DiagnosticBag } from "../diagnostics.js";
import type { Project, Service } from "../model/project.js";
import { interpolateValues, type Environment } from "./interpolate.js";
import { detectFormat, liftV1 } from "./legacy-format.js";
import { Node, isMapping, scalarText, type NormalizeContext } from "./normalize/context.js";
import { normalizeNetworks, normalizeVolumes } from "./normalize/resources.js";
import { normalizeService } from "./normalize/service.js";
import { parseYamlFile, type SourceFile } from "./parse-yaml.js";
import { validateAgainstSchema } from "./validate-schema.js";

export interface LoadOptions {
  /** Overrides the top-level `name:` and the directory name, like `docker compose -p`. */
  readonly projectName?: string;
  /** Where relative paths (binds, env_file) are resolved; defaults to the compose file's folder. */
  readonly projectDirectory?: string;
  /** Variables for `${...}` substitution, e.g. the process environment merged over `.env`. */
  readonly environment?: Environment;
  /** Reads files the project refers to; without it, env_file entries are reported as missing. */
  readonly readFile?: (path: string) => string | undefined;
  /** Active profiles, like `--profile`; services without profiles are always active. */
  readonly profiles?: readonly string[];
}

/**
 * Front end: YAML text → the typed project model. Parses with positions,
 * lifts the v1 format, interpolates, validates against our schema, then
 * normalizes every service into long form and checks cross-references.
 * Returns undefined when errors make a model meaningless.
 */
export function loadProject(file: SourceFile, options: LoadOptions, diagnostics: DiagnosticBag): Project | undefined {
  const parsed = parseYamlFile(file, diagnostics);
  if (!parsed) return undefined;
  if (!isMapping(parsed.value)) {
    diagnostics.error("schema", "a compose file must be a mapping with a services: key", parsed.locations.value(""));
    return undefined;
  }
  const format = detectFormat(parsed.value);
  const lifted = format === "v1" ? liftV1(parsed.value, parsed.locations, diagnostics) : { doc: parsed.value, locations: parsed.locations };
  const environment = options.environment ?? {};
  const doc = interpolateValues(lifted.doc, environment, lifted.locations, diagnostics);
  // A value that could not be substituted would only cause confusing follow-up errors.
  if (diagnostics.hasErrors) return undefined;
  if (!validateAgainstSchema(doc, lifted.locations, diagnostics) || !isMapping(doc)) return undefined;

  const projectDirectory = options.projectDirectory ?? posix.dirname(posix.resolve(file.path));
  const name = projectName(options.projectName ?? scalarText(doc.name) ?? posix.basename(projectDirectory));
  if (!name) {
    diagnostics.error("invalid-value", "cannot derive a project name: set name: or use --project-name", lifted.locations.value("/name"));
    return undefined;
  }
  const ctx: NormalizeContext = {
    projectName: name,
    projectDirectory,
    locations: lifted.locations,
    diagnostics,
    environment,
    readFile: options.readFile ?? (() => undefined),
  };
  const top = new Node(ctx, doc, []);
  for (const key of ["include", "models"]) {
    if (key in doc) diagnostics.error("unsupported-key", `top-level ${key}: is not supported yet`, lifted.locations.key(`/${key}`));
  }
  const servicesNode = top.child("services");
  const active = new Set(options.profiles ?? []);
  const services: Service[] = [];
  const inactive = new Set<string>();
  for (const serviceName of Object.keys(servicesNode?.value ?? {}).sort()) {
    const node = servicesNode!.child(serviceName);
    if (!node) continue;
    const profiles = node.get("profiles");
    if (Array.isArray(profiles) && profiles.length > 0 && !profiles.some((p) => active.has(String(p)))) {
      inactive.add(serviceName);
      continue;
    }
    const service = normalizeService(node, serviceName, format, top);
    if (service) services.push(service);
  }
  const usedNetworks = new Set(services.flatMap((s) => s.networks.map((n) => n.network)));
  const project: Project = {
    name,
    format,
    services,
    networks: normalizeNetworks(top, usedNetworks),
    volumes: normalizeVolumes(top),
  };
  checkReferences(project, servicesNode, inactive, diagnostics);
  return project;
}

/** Compose's normalization: lowercase, keep only `a-z0-9_-`, must start with a letter or digit. */
export function projectName(raw: string): string {
  return raw.toLowerCase().replace(/[^a-z0-9_-]/g, "").replace(/^[_-]+/, "");
}

function checkReferences(project: Project, servicesNode: Node | undefined, inactive: ReadonlySet<string>, diagnostics: DiagnosticBag): void {
  const declared = new Set(Object.keys(servicesNode?.value ?? {}));
  const active = new Set(project.services.map((s) => s.name));
  const networks = new Set(project.networks.map((n) => n.key));
  const volumes = new Set(project.volumes.map((v) => v.key));
  const containerNames = new Map<string, string>();
  for (const service of project.services) {
    for (const dep of service.dependsOn) {
      if (active.has(dep.service)) continue;
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
}

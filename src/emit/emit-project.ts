import type { DiagnosticBag } from "../diagnostics.js";
import type { OrderedProject } from "../graph/dependency-graph.js";
import type { Project } from "../model/project.js";
import { cleanupScript } from "./cleanup-script.js";
import { cloudConfig, type CloudConfigOptions } from "./cloud-config.js";
import { engineNamed } from "./engine.js";
import { envFile, hookEnvFile } from "./env-file.js";
import { checkGeneratedNames, type NameOrigin } from "./generated-names.js";
import { generatedHeader } from "./header.js";
import {
  UNIT_DIR,
  cleanupUnitName,
  registryAuthHostPath,
  provisionUnitName,
  cleanupScriptName,
  envFileHostPath,
  hookEnvFileHostPath,
  hookEnvFilePath,
  imageVolumesHolderName,
  imageVolumesScriptName,
  providedFileHostPath,
  scriptHostPath,
  networkUnitName,
  serviceUnitName,
  targetUnitName,
  volumeUnitName,
} from "./layout.js";
import type { OutputFile } from "./output-file.js";
import { cleanupService, cleanupTimer } from "./systemd/cleanup-units.js";
import type { HostOptions } from "./host-options.js";
import { provisionUnit } from "./systemd/provision-unit.js";
import { resourceUnit } from "./systemd/resource-units.js";
import { numberedHooks } from "./systemd/hooks.js";
import { imageVolumesScript } from "./systemd/image-volumes.js";
import { serviceUnit } from "./systemd/service-unit.js";
import { targetUnit } from "./systemd/target-unit.js";

export interface EmitOptions extends CloudConfigOptions, HostOptions {
  /** The compose file's name as the user gave it, for the "generated from" header. */
  readonly sourceName: string;
}

/**
 * All emitters in one pass over the model: units for services, networks,
 * volumes and the project target, per-service env files, the cleanup script,
 * and the cloud-config that installs them. Files come out sorted by path.
 */
export function emitProject(ordered: OrderedProject, options: EmitOptions, diagnostics: DiagnosticBag): OutputFile[] | undefined {
  const project = ordered.project;
  const engine = engineNamed(options.engine);
  const header = generatedHeader(options.sourceName, project.name);
  const files: OutputFile[] = [];
  // What each file is named after, so a name that cannot be used is reported where it is written.
  const origins = new Map<OutputFile, NameOrigin>();
  const add = (file: OutputFile, origin: NameOrigin) => {
    files.push(file);
    origins.set(file, origin);
  };
  const ofProject: NameOrigin = { what: `project "${project.name}"`, ...(project.nameAt ? { at: project.nameAt } : {}) };
  let failed = false;
  const unit = (name: string, content: string | undefined, origin: NameOrigin) => {
    if (content === undefined) failed = true;
    else add({ path: name, content, permissions: "0644", installPath: `${UNIT_DIR}/${name}` }, origin);
  };

  for (const network of usedNetworks(project)) {
    unit(networkUnitName(project, network.key), resourceUnit(project, "network", network, engine, header, diagnostics), {
      what: `network "${network.key}"`,
      at: network.at,
    });
  }
  for (const volume of usedVolumes(project)) {
    unit(volumeUnitName(project, volume.key), resourceUnit(project, "volume", volume, engine, header, diagnostics), {
      what: `volume "${volume.key}"`,
      at: volume.at,
    });
  }
  for (const service of ordered.startOrder) {
    const ofService: NameOrigin = { what: `service "${service.name}"`, at: service.at };
    unit(serviceUnitName(project, service.name), serviceUnit(ordered, service, options, engine, header, diagnostics), ofService);
    for (const f of service.files) {
      const kind = `${f.kind}s`;
      const file = {
        path: `${kind}/${service.name}/${f.name}`,
        content: f.content,
        permissions: "0600",
        installPath: providedFileHostPath(project, service.name, f),
      } as const;
      add(file, { what: `${f.kind} "${f.name}" of service "${service.name}"`, at: f.at });
    }
    for (const { key, index, hook } of numberedHooks(service)) {
      if (hook.environment.length === 0) continue;
      const content = hookEnvFile(service, key, index, hook, diagnostics);
      if (content === undefined) failed = true;
      else
        add(
          {
            path: `env/${hookEnvFilePath(service.name, key, index)}`,
            content,
            permissions: "0600",
            installPath: hookEnvFileHostPath(project, service.name, key, index),
          },
          ofService,
        );
    }
    if (service.environment.length === 0) continue;
    const content = envFile(service, diagnostics);
    if (content === undefined) failed = true;
    else add({ path: `env/${service.name}.env`, content, permissions: "0600", installPath: envFileHostPath(project, service.name) }, ofService);
  }
  unit(targetUnitName(project), targetUnit(project, engine, header, diagnostics), ofProject);
  if (options.bundle && !validBundle(options.bundle, diagnostics)) failed = true;
  else if (options.bundle) unit(provisionUnitName(project), provisionUnit(project, options.bundle, header, diagnostics), ofProject);
  if (options.registryAuth !== undefined) {
    add({ path: "docker/config.json", content: options.registryAuth, permissions: "0600", installPath: registryAuthHostPath(project) }, ofProject);
  }
  unit(cleanupUnitName(project, "service"), cleanupService(project, engine, header, diagnostics), ofProject);
  unit(cleanupUnitName(project, "timer"), cleanupTimer(project, engine, header, diagnostics), ofProject);
  const script = (name: string, content: string) => add({ path: `${name}.sh`, content, permissions: "0755", installPath: scriptHostPath(name) }, ofProject);
  script(cleanupScriptName(project), cleanupScript(project, engine, header));
  script(imageVolumesScriptName(project), imageVolumesScript(project, engine, header));
  if (failed || !checkGeneratedNames(files, origins, { name: project.name, origin: ofProject }, diagnostics) || !freeHolderNames(project, diagnostics))
    return undefined;

  files.sort((a, b) => (a.path < b.path ? -1 : 1));
  // The document carries every env and secret file's content, so it is as private as they are.
  const document = cloudConfig(project, files, header, options, diagnostics);
  if (document === undefined) return undefined;
  files.push({ path: "cloud-config.yaml", content: document, permissions: "0600" });
  return files;
}

function validBundle(bundle: NonNullable<HostOptions["bundle"]>, diagnostics: DiagnosticBag): boolean {
  const problems = [
    !/^[0-9a-f]{64}$/i.test(bundle.sha256) && `bundle SHA-256 "${bundle.sha256}" must be 64 hex digits`,
    !/^(https?|s3):\/\/\S+$/.test(bundle.url) && `bundle URL "${bundle.url}" must be an http(s) URL`,
    bundle.directory !== undefined && !bundle.directory.startsWith("/") && `bundle directory "${bundle.directory}" must be an absolute path`,
  ].filter((p): p is string => typeof p === "string");
  for (const p of problems) diagnostics.error("invalid-option", p);
  return problems.length === 0;
}

function usedNetworks(project: Project) {
  const used = new Set(project.services.flatMap((s) => s.networks.map((n) => n.network)));
  return project.networks.filter((n) => used.has(n.key));
}

/** Only volumes some active service mounts get a unit; an unused declaration creates nothing, as in compose. */
function usedVolumes(project: Project) {
  const used = new Set(project.services.flatMap((s) => s.mounts.flatMap((m) => (m.type === "volume" ? [m.volume] : []))));
  return project.volumes.filter((v) => used.has(v.key));
}

/** Each service's holder of its image's volumes (systemd/image-volumes.ts) needs a container name no service uses. */
function freeHolderNames(project: Project, diagnostics: DiagnosticBag): boolean {
  const byContainer = new Map(project.services.map((s) => [s.containerName, s]));
  let ok = true;
  for (const service of project.services) {
    const holder = imageVolumesHolderName(service.containerName);
    const other = byContainer.get(holder);
    if (!other) continue;
    diagnostics.error(
      "name-collision",
      `service "${other.name}" uses the container name "${holder}", which holds the image volumes of service "${service.name}"; rename it`,
      other.at,
    );
    ok = false;
  }
  return ok;
}

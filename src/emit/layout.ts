import type { Project } from "../model/project.js";

/**
 * Where every generated artefact is named and installed. One place, so the
 * unit emitters, the cloud-config and the CLI agree on every path.
 */
export const SHELL = "/bin/sh";
export const SYSTEMCTL = "/bin/systemctl";
export const UNIT_DIR = "/etc/systemd/system";

export function serviceUnitName(project: Project, service: string): string {
  return `${project.name}-${service}.service`;
}

export function networkUnitName(project: Project, network: string): string {
  return `${project.name}-network-${network}.service`;
}

export function volumeUnitName(project: Project, volume: string): string {
  return `${project.name}-volume-${volume}.service`;
}

/**
 * The container that holds the volumes a service's image declares
 * (systemd/image-volumes.ts), beside the service's own container. Never
 * started; its name ends in a word no compose container name ends in.
 */
export function imageVolumesHolderName(containerName: string): string {
  return `${containerName}-image-volumes`;
}

export function targetUnitName(project: Project): string {
  return `${project.name}.target`;
}

/** Per-project folder on the host for files that must not be world-readable. */
export function projectConfigDir(project: Project): string {
  return `/etc/compose2units/${project.name}`;
}

export function envFileHostPath(project: Project, service: string): string {
  return `${projectConfigDir(project)}/${service}.env`;
}

/** The compose keys of lifecycle hooks, which name their env files. */
export type HookKey = "post_start" | "pre_stop";

/** A lifecycle hook's env file (hooks are numbered from 1, in the order written): in a folder of its own, so no service name can collide with it. */
export function hookEnvFilePath(service: string, key: HookKey, index: number): string {
  return `hooks/${service}/${key}-${index}.env`;
}

export function hookEnvFileHostPath(project: Project, service: string, key: HookKey, index: number): string {
  return `${projectConfigDir(project)}/${hookEnvFilePath(service, key, index)}`;
}

export function cleanupScriptName(project: Project): string {
  return `${project.name}-image-cleanup`;
}

export function cleanupScriptHostPath(project: Project): string {
  return scriptHostPath(cleanupScriptName(project));
}

export function imageVolumesScriptName(project: Project): string {
  return `${project.name}-hold-image-volumes`;
}

export function imageVolumesScriptHostPath(project: Project): string {
  return scriptHostPath(imageVolumesScriptName(project));
}

/** Where a script the units run is installed, by its name (the output folder holds it as `<name>.sh`). */
export function scriptHostPath(name: string): string {
  return `/usr/local/sbin/${name}`;
}

/** Folder of one kind of provided file; made 0700 before use, so only root reaches the files in it. */
export function providedFilesDir(project: Project, kind: "secret" | "config"): string {
  return `${projectConfigDir(project)}/${kind}s`;
}

export function providedFileHostPath(project: Project, service: string, file: { kind: "secret" | "config"; name: string }): string {
  return `${providedFilesDir(project, file.kind)}/${service}/${file.name}`;
}

export function cleanupUnitName(project: Project, kind: "service" | "timer"): string {
  return `${cleanupScriptName(project)}.${kind}`;
}

export function provisionUnitName(project: Project): string {
  return `${project.name}-provision.service`;
}

/** docker --config folder holding the registry credentials' config.json. */
export function dockerConfigDir(project: Project): string {
  return `${projectConfigDir(project)}/docker`;
}

/** The registry credentials: docker finds them in its --config folder, podman is given the file (--authfile). */
export function registryAuthHostPath(project: Project): string {
  return `${dockerConfigDir(project)}/config.json`;
}

export function bundleDirectory(project: Project, bundle: { directory?: string }): string {
  return bundle.directory ?? `/var/lib/compose2units/${project.name}/bundle`;
}

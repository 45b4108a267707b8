import type { Located, Service } from "../../model/project.js";
import { normalizeContainerSettings } from "./container-settings.js";
import { scalarText, type Node } from "./context.js";
import { serviceDependencies } from "./dependencies.js";
import { exposeList } from "./expose.js";
import { checkExtension } from "./extension.js";
import { normalizeHealthcheck } from "./healthcheck.js";
import { normalizeHooks } from "./hooks.js";
import { imageSource } from "./image.js";
import { normalizeLabels } from "./labels.js";
import { normalizeExternalLinks, normalizeLinks } from "./links.js";
import { containerName } from "./names.js";
import { namespaceMode } from "./namespace-mode.js";
import { normalizeNetworkAttachments } from "./network-attachments.js";
import { normalizeNetworkMode } from "./network-mode.js";
import { normalizePorts } from "./ports.js";
import { commandWords, normalizeEnvironment } from "./process-settings.js";
import { normalizeProvidedFiles } from "./provided-files.js";
import { normalizeRestart } from "./restart.js";
import { checkScale } from "./scale.js";
import { checkServiceKeys } from "./service-keys.js";
import { normalizeStop } from "./stop.js";
import { normalizeMounts, normalizeTmpfs } from "./volumes.js";
import { normalizeVolumesFrom } from "./volumes-from.js";

/**
 * Turns one validated service mapping into the model, reporting what cannot
 * be compiled. Each key (or group of keys) has a normalizer of its own; this
 * only puts their results together.
 */
export function normalizeService(node: Node, name: string, format: "v1" | "compose", top: Node): Service | undefined {
  const ctx = node.ctx;
  checkServiceKeys(node, name);

  const image = imageSource(node, name);
  const container = normalizeContainerSettings(node, name);
  const networkMode = normalizeNetworkMode(node) ?? (format === "v1" ? { kind: "bridge" as const, at: node.keyAt() } : undefined);
  if (node.has("network_mode") && node.has("networks"))
    node.ctx.diagnostics.error("conflicting-keys", `service "${name}": network_mode and networks cannot be combined`, node.keyAt("networks"));
  const links = normalizeLinks(node);
  const volumesFrom = normalizeVolumesFrom(node);
  const ipc = namespaceMode(node, "ipc");
  const pid = namespaceMode(node, "pid");
  const dependsOn = serviceDependencies(node, links, volumesFrom, networkMode, ipc, pid);
  checkExtension(node);
  const externalLinks = normalizeExternalLinks(node);
  checkScale(node);

  if (!image) return undefined;
  const located = (key: string): Located<string> | undefined => {
    const text = scalarText(node.get(key));
    return text === undefined ? undefined : { value: text, at: node.at(key) };
  };
  const command = commandWords(node, "command");
  const entrypoint = commandWords(node, "entrypoint");
  const healthcheck = normalizeHealthcheck(node);
  const hostname = located("hostname");
  const user = located("user");
  const workingDir = located("working_dir");
  return {
    name,
    at: node.keyAt(),
    containerName: containerName(node) ?? `${ctx.projectName}-${name}-1`,
    image,
    ...(command ? { command } : {}),
    ...(entrypoint ? { entrypoint } : {}),
    environment: normalizeEnvironment(node),
    labels: normalizeLabels(node),
    ports: normalizePorts(node),
    expose: exposeList(node),
    mounts: normalizeMounts(node),
    tmpfs: normalizeTmpfs(node),
    files: [...normalizeProvidedFiles(node, top, "secret"), ...normalizeProvidedFiles(node, top, "config")],
    volumesFrom,
    links,
    dependsOn,
    ...(networkMode ? { networkMode } : {}),
    ...(ipc ? { ipc } : {}),
    ...(pid ? { pid } : {}),
    networks: networkMode ? [] : normalizeNetworkAttachments(node, format),
    ...(hostname ? { hostname } : {}),
    ...(user ? { user } : {}),
    ...(workingDir ? { workingDir } : {}),
    restart: normalizeRestart(node),
    stop: normalizeStop(node),
    ...(healthcheck ? { healthcheck } : {}),
    postStart: normalizeHooks(node, "post_start"),
    preStop: normalizeHooks(node, "pre_stop"),
    container,
    externalLinks,
  };
}

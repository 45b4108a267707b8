import type { DiagnosticBag, SourceLocation } from "../../diagnostics.js";
import type { OrderedProject } from "../../graph/dependency-graph.js";
import type { Mount, NetworkAttachment, Project, Service } from "../../model/project.js";
import type { Engine } from "../engine.js";
import { containerFlags, healthcheckFlags, mountFlag, tmpfsFlag } from "../flags/docker.js";
import { spellFlags } from "../flags/spell.js";
import { envFileHostPath, imageVolumesHolderName, providedFileHostPath } from "../layout.js";
import { networkDockerName, volumeDockerName } from "../resource-names.js";
import { CommandLine, type Word } from "./command-line.js";

/**
 * `docker create` for one service: every compose key as the `docker run`
 * flag docker compose would set, the first network attached at creation.
 * The container is created and then started attached (`docker start
 * --attach`), so further networks can be connected before it runs, as
 * compose does. Flags are built in docker's spelling and then put in the
 * engine's; undefined when the engine lacks one (reported at its key).
 */
export function createCommand(ordered: OrderedProject, service: Service, engine: Engine, diagnostics: DiagnosticBag): CommandLine | undefined {
  const project = ordered.project;
  const container = (name: string) => ordered.byName.get(name)?.containerName ?? name;
  const global: Word[] = [];
  const local: Word[] = [];
  let supported = true;
  const flags = (at: SourceLocation | undefined, ...argv: string[]) => {
    const spelled = spellFlags(engine, "create", argv, at, `service "${service.name}"`, diagnostics);
    if (!spelled) {
      supported = false;
      return;
    }
    for (const text of spelled.global) global.push(at ? { text, at } : { text });
    for (const text of spelled.local) local.push(at ? { text, at } : { text });
  };
  // Another service takes volumes_from this one (the data-container pattern of seed 004): its
  // container must outlive its process, as under compose, so it is not created with --rm.
  const sharesVolumes = ordered.sharesVolumes.has(service.name);
  if (!sharesVolumes) flags(undefined, "--rm");
  flags(service.at, "--name", service.containerName);
  // The image was made present by an earlier step; never let docker pull behind systemd's back.
  flags(undefined, "--pull", "never");
  if (service.environment.length > 0) flags(undefined, "--env-file", envFileHostPath(project, service.name));
  for (const l of service.labels) flags(l.at, "--label", `${l.name}=${l.value}`);
  if (service.hostname) flags(service.hostname.at, "--hostname", service.hostname.value);
  if (service.user) flags(service.user.at, "--user", service.user.value);
  if (service.workingDir) flags(service.workingDir.at, "--workdir", service.workingDir.value);

  const mode = service.networkMode;
  if (mode) {
    // Docker's default bridge is where a container goes without --network: v1 files run there.
    if (mode.kind !== "bridge")
      flags(
        mode.at,
        "--network",
        mode.kind === "service" ? `container:${container(mode.service)}` : mode.kind === "container" ? `container:${mode.container}` : mode.kind,
      );
  }
  const [first] = service.networks;
  if (first) flags(first.at, "--network", networkName(project, first), ...endpointArgs(service, first, "--network-alias"));
  for (const [flag, m] of [
    ["--ipc", service.ipc],
    ["--pid", service.pid],
  ] as const) {
    if (m) flags(m.at, flag, m.kind === "service" ? `container:${container(m.service)}` : m.value);
  }
  for (const p of service.ports) {
    const host = p.hostIp ? (p.hostIp.includes(":") ? `[${p.hostIp}]:` : `${p.hostIp}:`) : "";
    const published = p.published !== undefined ? `${p.published}:` : host ? ":" : "";
    flags(p.at, "--publish", `${host}${published}${p.target}/${p.protocol}`);
  }
  for (const e of service.expose) flags(e.at, "--expose", e.value);
  for (const m of service.mounts) flags(m.at, ...mountFlag(m, mountSource(project, service, m)));
  for (const t of service.tmpfs) flags(t.at, ...tmpfsFlag(t));
  for (const f of service.files) flags(f.at, "--volume", `${providedFileHostPath(project, service.name, f)}:${f.target}:ro`);
  // Before volumes_from, whose volumes win at a path both have; the compose file's own mounts win over both.
  flags(undefined, "--volumes-from", imageVolumesHolderName(service.containerName));
  for (const v of service.volumesFrom) {
    const source = v.source.kind === "service" ? container(v.source.name) : v.source.name;
    flags(v.at, "--volumes-from", v.readOnly ? `${source}:ro` : source);
  }
  for (const l of service.links) flags(l.at, "--link", `${container(l.service)}:${l.alias}`);
  if (service.healthcheck) flags(service.healthcheck.at, ...healthcheckFlags(service.healthcheck));
  if (service.stop.signal) flags(service.stop.signal.at, "--stop-signal", service.stop.signal.value);
  // Recorded on the container too, so a stop by anyone else (or dockerd's shutdown) waits as long.
  flags(undefined, "--stop-timeout", String(service.stop.gracePeriodSeconds));
  if (!service.container.logging && engine.defaultLogging.length > 0) flags(undefined, ...engine.defaultLogging);
  for (const f of containerFlags(service)) flags(f.at, ...f.argv);

  const entrypoint = service.entrypoint?.value;
  if (entrypoint) flags(service.entrypoint!.at, "--entrypoint", entrypoint[0] ?? "");
  if (!supported) return undefined;
  const cmd = new CommandLine(engine.binary).addWords(global).add("create").addWords(local);
  // Everything after the options is positional: `--` keeps an image or argument from being read as one.
  cmd.add("--").addFrom(service.image.ref.at, service.image.ref.value);
  // docker takes one word for --entrypoint; the rest of a list entrypoint leads the arguments.
  if (entrypoint && entrypoint.length > 1) cmd.addFrom(service.entrypoint!.at, ...entrypoint.slice(1));
  if (service.command) cmd.addFrom(service.command.at, ...service.command.value);
  return cmd;
}

/** `docker network connect` for every network after the first, before the container starts; undefined when the engine lacks a flag. */
export function connectCommands(project: Project, service: Service, engine: Engine, diagnostics: DiagnosticBag): CommandLine[] | undefined {
  const commands: CommandLine[] = [];
  let supported = true;
  for (const n of service.networks.slice(1)) {
    const spelled = spellFlags(engine, "network connect", endpointArgs(service, n, "--alias"), n.at, `service "${service.name}"`, diagnostics);
    if (!spelled) supported = false;
    else
      commands.push(
        new CommandLine(engine.binary)
          .add(...spelled.global, "network", "connect")
          .addFrom(n.at, ...spelled.local, "--", networkName(project, n), service.containerName),
      );
  }
  return supported ? commands : undefined;
}

function networkName(project: Project, n: NetworkAttachment): string {
  return networkDockerName(project, n.network);
}

/**
 * The service is reachable by its name and its aliases on every network it
 * joins, as under compose. `docker create` spells the alias flag
 * --network-alias, `docker network connect` spells it --alias.
 */
function endpointArgs(service: Service, n: NetworkAttachment, aliasFlag: "--network-alias" | "--alias"): string[] {
  const args = [aliasFlag, service.name, ...n.aliases.flatMap((a) => [aliasFlag, a])];
  if (n.ipv4Address) args.push("--ip", n.ipv4Address);
  if (n.ipv6Address) args.push("--ip6", n.ipv6Address);
  for (const ip of n.linkLocalIps) args.push("--link-local-ip", ip);
  return args;
}

/** What docker mounts: the host path, or the volume's name as docker knows it. */
function mountSource(project: Project, service: Service, m: Mount): string | undefined {
  switch (m.type) {
    case "bind":
      return m.source;
    case "volume":
      return volumeDockerName(project, m.volume);
    case "anonymous":
      return persistentVolumeName(project, service, m.target);
    case "tmpfs":
      return undefined;
  }
}

/**
 * A volume compose leaves anonymous gets a stable name here. Compose keeps an
 * anonymous volume across restarts of the same container; under systemd each
 * start runs a new container, and `--rm` would delete an anonymous volume at
 * every stop. A name derived from project, service and path survives both.
 */
export function persistentVolumeName(project: Project, service: Service, target: string): string {
  const slug = target.replace(/^\/+/, "").replace(/[^A-Za-z0-9_.-]+/g, "_") || "root";
  return `${project.name}_${service.name}_${slug}`;
}

import type { OrderedProject } from "../../graph/dependency-graph.js";
import type { Healthcheck, Mount, NetworkAttachment, Project, Service } from "../../model/project.js";
import { DOCKER, envFileHostPath, providedFileHostPath } from "../layout.js";
import { CommandLine } from "./command-line.js";

/**
 * `docker create` for one service: every compose key as the `docker run`
 * flag docker compose would set, the first network attached at creation.
 * The container is created and then started attached (`docker start
 * --attach`), so further networks can be connected before it runs, as
 * compose does.
 */
export function createCommand(ordered: OrderedProject, service: Service): CommandLine {
  const project = ordered.project;
  const container = (name: string) => ordered.byName.get(name)?.containerName ?? name;
  // Another service takes volumes_from this one (the data-container pattern of seed 004): its
  // container must outlive its process, as under compose, so it is not created with --rm.
  const sharesVolumes = ordered.sharesVolumes.has(service.name);
  const cmd = new CommandLine(DOCKER).add("create", ...(sharesVolumes ? [] : ["--rm"])).addFrom(service.at, "--name", service.containerName);
  // The image was made present by an earlier step; never let docker pull behind systemd's back.
  cmd.add("--pull", "never");
  if (service.environment.length > 0) cmd.add("--env-file", envFileHostPath(project, service.name));
  for (const l of service.labels) cmd.addFrom(l.at, "--label", `${l.name}=${l.value}`);
  if (service.hostname) cmd.addFrom(service.hostname.at, "--hostname", service.hostname.value);
  if (service.user) cmd.addFrom(service.user.at, "--user", service.user.value);
  if (service.workingDir) cmd.addFrom(service.workingDir.at, "--workdir", service.workingDir.value);

  const mode = service.networkMode;
  if (mode) {
    const value = mode.kind === "service" ? `container:${container(mode.service)}` : mode.kind === "container" ? `container:${mode.container}` : mode.kind;
    cmd.addFrom(mode.at, "--network", value);
  }
  const [first] = service.networks;
  if (first) cmd.addFrom(first.at, "--network", networkName(project, first), ...endpointArgs(service, first, "--network-alias"));
  for (const [flag, m] of [["--ipc", service.ipc], ["--pid", service.pid]] as const) {
    if (m) cmd.addFrom(m.at, flag, m.kind === "service" ? `container:${container(m.service)}` : m.value);
  }
  for (const p of service.ports) {
    const host = p.hostIp ? (p.hostIp.includes(":") ? `[${p.hostIp}]:` : `${p.hostIp}:`) : "";
    const published = p.published !== undefined ? `${p.published}:` : host ? ":" : "";
    cmd.addFrom(p.at, "--publish", `${host}${published}${p.target}/${p.protocol}`);
  }
  for (const e of service.expose) cmd.addFrom(e.at, "--expose", e.value);
  for (const m of service.mounts) cmd.addFrom(m.at, ...mountArgs(project, service, m));
  for (const f of service.files) cmd.addFrom(f.at, "--volume", `${providedFileHostPath(project, service.name, f)}:${f.target}:ro`);
  for (const v of service.volumesFrom) {
    const source = v.source.kind === "service" ? container(v.source.name) : v.source.name;
    cmd.addFrom(v.at, "--volumes-from", v.readOnly ? `${source}:ro` : source);
  }
  for (const l of service.links) cmd.addFrom(l.at, "--link", `${container(l.service)}:${l.alias}`);
  if (service.healthcheck) cmd.addFrom(service.healthcheck.at, ...healthcheckArgs(service.healthcheck));
  if (service.stop.signal) cmd.add("--stop-signal", service.stop.signal);
  // Recorded on the container too, so a stop by anyone else (or dockerd's shutdown) waits as long.
  cmd.add("--stop-timeout", String(service.stop.gracePeriodSeconds));
  for (const f of service.runFlags) cmd.addFrom(f.at, ...f.argv);

  const entrypoint = service.entrypoint?.value;
  if (entrypoint) cmd.addFrom(service.entrypoint!.at, "--entrypoint", entrypoint[0] ?? "");
  cmd.addFrom(service.image.ref.at, service.image.ref.value);
  // docker takes one word for --entrypoint; the rest of a list entrypoint leads the arguments.
  if (entrypoint && entrypoint.length > 1) cmd.addFrom(service.entrypoint!.at, ...entrypoint.slice(1));
  if (service.command) cmd.addFrom(service.command.at, ...service.command.value);
  return cmd;
}

/** `docker network connect` for every network after the first, before the container starts. */
export function connectCommands(project: Project, service: Service): CommandLine[] {
  return service.networks.slice(1).map((n) =>
    new CommandLine(DOCKER).add("network", "connect").addFrom(n.at, ...endpointArgs(service, n, "--alias"), networkName(project, n), service.containerName),
  );
}

function networkName(project: Project, n: NetworkAttachment): string {
  return project.networks.find((x) => x.key === n.network)!.dockerName;
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

function mountArgs(project: Project, service: Service, m: Mount): string[] {
  if (m.type === "tmpfs") return ["--tmpfs", m.options.length > 0 ? `${m.target}:${m.options.join(",")}` : m.target];
  const options = [...(m.readOnly ? ["ro"] : []), ...m.options];
  const suffix = options.length > 0 ? `:${options.join(",")}` : "";
  switch (m.type) {
    case "bind":
      return ["--volume", `${m.source}:${m.target}${suffix}`];
    case "volume":
      return ["--volume", `${project.volumes.find((v) => v.key === m.volume)!.dockerName}:${m.target}${suffix}`];
    case "anonymous":
      return ["--volume", `${persistentVolumeName(project, service, m.target)}:${m.target}${suffix}`];
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

function healthcheckArgs(h: Healthcheck): string[] {
  if (h.test[0] === "NONE") return ["--no-healthcheck"];
  const args: string[] = [];
  if (h.test[0] === "CMD-SHELL") args.push("--health-cmd", h.test.slice(1).join(" "));
  // docker run only takes the shell form; an exec-form test is quoted into one shell command.
  else if (h.test[0] === "CMD") args.push("--health-cmd", h.test.slice(1).map(shellQuote).join(" "));
  if (h.intervalSeconds !== undefined) args.push("--health-interval", goDuration(h.intervalSeconds));
  if (h.timeoutSeconds !== undefined) args.push("--health-timeout", goDuration(h.timeoutSeconds));
  if (h.startPeriodSeconds !== undefined) args.push("--health-start-period", goDuration(h.startPeriodSeconds));
  if (h.retries !== undefined) args.push("--health-retries", String(h.retries));
  return args;
}

function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function goDuration(seconds: number): string {
  return Number.isInteger(seconds) ? `${seconds}s` : `${Math.round(seconds * 1000)}ms`;
}


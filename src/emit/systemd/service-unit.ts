import type { DiagnosticBag } from "../../diagnostics.js";
import type { Healthcheck, Mount, Project, Service } from "../../model/project.js";
import {
  DOCKER,
  SHELL,
  cleanupScriptHostPath,
  envFileHostPath,
  networkUnitName,
  serviceUnitName,
  targetUnitName,
  volumeUnitName,
} from "../layout.js";
import { CommandLine } from "./command-line.js";
import { renderUnit, type UnitSection } from "./unit-file.js";

/** Seconds systemd allows for pulling or loading the image before the start counts as failed. */
const START_TIMEOUT_SECONDS = 900;
/** Added to the grace period so `docker stop` can finish killing before systemd steps in. */
const STOP_MARGIN_SECONDS = 30;

/**
 * The unit for one compose service, following the pattern the seeds proved:
 * remove a stale container, make sure the image is there, run the container
 * attached with `--rm` so systemd supervises it, stop it with `docker stop`.
 * Docker's own `--restart` is never used: systemd is the supervisor.
 */
export function serviceUnit(project: Project, service: Service, header: readonly string[], diagnostics: DiagnosticBag): string | undefined {
  const byName = new Map(project.services.map((s) => [s.name, s]));
  const container = (name: string) => byName.get(name)?.containerName ?? name;
  const what = `service "${service.name}"`;

  const requires = ["docker.service"];
  const wants: string[] = [];
  const after = ["docker.service"];
  for (const n of service.networks) {
    const unit = networkUnitName(project, n.network);
    requires.push(unit);
    after.push(unit);
  }
  for (const m of service.mounts) {
    if (m.type !== "volume") continue;
    const unit = volumeUnitName(project, m.volume);
    if (!requires.includes(unit)) requires.push(unit);
    if (!after.includes(unit)) after.push(unit);
  }
  for (const d of service.dependsOn) {
    if (!byName.has(d.service)) continue;
    const unit = serviceUnitName(project, d.service);
    (d.required ? requires : wants).push(unit);
    after.push(unit);
  }

  const exec: [string, string][] = [];
  let unrepresentable = false;
  const line = (key: string, cmd: CommandLine, ignoreFailure = false) => {
    const text = cmd.render(diagnostics, what);
    if (text === undefined) unrepresentable = true;
    else exec.push([key, (ignoreFailure ? "-" : "") + text]);
  };
  line("ExecStartPre", new CommandLine(DOCKER).add("rm", "--force").addFrom(service.at, service.containerName), true);
  for (const cmd of imagePreparation(project, service)) line("ExecStartPre", cmd.command, cmd.ignoreFailure);
  line("ExecStart", runCommand(project, service, container));
  // With Type=simple the start job would end as soon as the docker client forks, before the
  // container exists; units ordered After= this one (volumes_from, network_mode: service:x) need
  // it to exist. The wait ends early if the client has already exited.
  line(
    "ExecStartPost",
    new CommandLine(SHELL)
      .add("-c", `until ${DOCKER} container inspect "$1" >/dev/null 2>&1; do kill -0 "$MAINPID" 2>/dev/null || exit 0; sleep 0.2; done`, "wait-for-container")
      .addFrom(service.at, service.containerName),
  );
  line("ExecStop", new CommandLine(DOCKER).add("stop", "--time", String(service.stop.gracePeriodSeconds)).addFrom(service.at, service.containerName));

  const unit: UnitSection = {
    name: "Unit",
    entries: [
      ["Description", `${project.name}: compose service ${service.name}`],
      ...requires.map((u) => ["Requires", u] as const),
      ...wants.map((u) => ["Wants", u] as const),
      ...after.map((u) => ["After", u] as const),
      ["PartOf", targetUnitName(project)],
      ...startLimits(service),
    ],
  };
  const serviceSection: UnitSection = {
    name: "Service",
    entries: [
      ["Type", "simple"],
      ["TimeoutStartSec", String(START_TIMEOUT_SECONDS)],
      ["TimeoutStopSec", String(service.stop.gracePeriodSeconds + STOP_MARGIN_SECONDS)],
      ...exec,
      ...restartSettings(service),
      // 143 = 128 + SIGTERM: the container's answer to `docker stop`, a clean stop.
      ["SuccessExitStatus", "143"],
    ],
  };
  const install: UnitSection = { name: "Install", entries: [["WantedBy", targetUnitName(project)]] };
  if (unrepresentable) return undefined;
  return renderUnit(header, [unit, serviceSection, install]);
}

function imagePreparation(project: Project, service: Service): { command: CommandLine; ignoreFailure: boolean }[] {
  const image = service.image;
  const ref = image.ref;
  if (image.kind === "archive") {
    return [
      { command: new CommandLine(DOCKER).add("load", "--input").addFrom(image.archive.at, image.archive.value), ignoreFailure: false },
      // A reloaded tag leaves the previous image dangling (seed 002); clean up right away.
      { command: new CommandLine(cleanupScriptHostPath(project)), ignoreFailure: true },
    ];
  }
  switch (image.pull) {
    case "always":
      return [{ command: new CommandLine(DOCKER).add("pull").addFrom(ref.at, ref.value), ignoreFailure: false }];
    case "missing":
      return [
        {
          command: new CommandLine(SHELL)
            .add("-c", `${DOCKER} image inspect "$1" >/dev/null 2>&1 || exec ${DOCKER} pull "$1"`, "pull-if-missing")
            .addFrom(ref.at, ref.value),
          ignoreFailure: false,
        },
      ];
    case "never":
      return [
        {
          command: new CommandLine(SHELL)
            .add(
              "-c",
              `${DOCKER} image inspect "$1" >/dev/null 2>&1 || { echo "image $1 is not on this host and pull_policy is never" >&2; exit 1; }`,
              "require-image",
            )
            .addFrom(ref.at, ref.value),
          ignoreFailure: false,
        },
      ];
  }
}

function runCommand(project: Project, service: Service, container: (name: string) => string): CommandLine {
  // Another service takes volumes_from this one (the data-container pattern of seed 004): its
  // container must outlive its process, as under compose, so it is not started with --rm.
  const sharesVolumes = project.services.some((s) => s.volumesFrom.some((v) => v.source.kind === "service" && v.source.name === service.name));
  const cmd = new CommandLine(DOCKER).add("run", ...(sharesVolumes ? [] : ["--rm"])).addFrom(service.at, "--name", service.containerName);
  // The image was made present by ExecStartPre; never let `docker run` pull behind systemd's back.
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
  for (const n of service.networks) {
    const network = project.networks.find((x) => x.key === n.network)!;
    cmd.addFrom(n.at, "--network", network.dockerName, "--network-alias", service.name);
    for (const alias of n.aliases) cmd.addFrom(n.at, "--network-alias", alias);
  }
  for (const ns of [["--ipc", service.ipc], ["--pid", service.pid]] as const) {
    const m = ns[1];
    if (m) cmd.addFrom(m.at, ns[0], m.kind === "service" ? `container:${container(m.service)}` : m.value);
  }
  for (const p of service.ports) {
    const host = p.hostIp ? (p.hostIp.includes(":") ? `[${p.hostIp}]:` : `${p.hostIp}:`) : "";
    const published = p.published !== undefined ? `${p.published}:` : host ? ":" : "";
    cmd.addFrom(p.at, "--publish", `${host}${published}${p.target}/${p.protocol}`);
  }
  for (const e of service.expose) cmd.addFrom(e.at, "--expose", e.value);
  for (const m of service.mounts) cmd.addFrom(m.at, ...mountArgs(project, service, m));
  for (const v of service.volumesFrom) {
    const source = v.source.kind === "service" ? container(v.source.name) : v.source.name;
    cmd.addFrom(v.at, "--volumes-from", v.readOnly ? `${source}:ro` : source);
  }
  for (const l of service.links) cmd.addFrom(l.at, "--link", `${container(l.service)}:${l.alias}`);
  if (service.healthcheck) cmd.addFrom(service.healthcheck.at, ...healthcheckArgs(service.healthcheck));
  if (service.stop.signal) cmd.add("--stop-signal", service.stop.signal);
  for (const f of service.runFlags) cmd.addFrom(f.at, ...f.argv);

  const entrypoint = service.entrypoint?.value;
  if (entrypoint) cmd.addFrom(service.entrypoint!.at, "--entrypoint", entrypoint[0] ?? "");
  cmd.addFrom(service.image.ref.at, service.image.ref.value);
  // docker run takes one word for --entrypoint; the rest of a list entrypoint leads the arguments.
  if (entrypoint && entrypoint.length > 1) cmd.addFrom(service.entrypoint!.at, ...entrypoint.slice(1));
  if (service.command) cmd.addFrom(service.command.at, ...service.command.value);
  return cmd;
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

/**
 * compose `restart:` in systemd terms. Docker retries `always` forever, so
 * the start rate limit is switched off; `on-failure:N` allows N restarts.
 */
function restartSettings(service: Service): [string, string][] {
  switch (service.restart.mode) {
    case "no":
      return [["Restart", "no"]];
    case "always":
    case "unless-stopped":
      return [["Restart", "always"], ["RestartSec", "2"]];
    case "on-failure":
      return [["Restart", "on-failure"], ["RestartSec", "2"]];
  }
}

function startLimits(service: Service): [string, string][] {
  const r = service.restart;
  if (r.mode === "no") return [];
  if (r.mode === "on-failure" && r.maxRetries !== undefined) {
    // The first start plus N restarts, counted over the unit's whole life.
    return [["StartLimitIntervalSec", "infinity"], ["StartLimitBurst", String(r.maxRetries + 1)]];
  }
  return [["StartLimitIntervalSec", "0"]];
}

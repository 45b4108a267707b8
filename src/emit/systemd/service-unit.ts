import type { DiagnosticBag } from "../../diagnostics.js";
import type { OrderedProject } from "../../graph/dependency-graph.js";
import type { Service } from "../../model/project.js";
import { signalNumber } from "../../model/signals.js";
import type { Engine } from "../engine.js";
import type { HostOptions } from "../host-options.js";
import { networkUnitName, provisionUnitName, serviceUnitName, targetUnitName, volumeUnitName } from "../layout.js";
import { CommandLine } from "./command-line.js";
import { bindSourceStep } from "./bind-sources.js";
import { connectCommands, createCommand } from "./docker-create.js";
import { hookCommand, numberedHooks } from "./hooks.js";
import { imageSteps } from "./image-steps.js";
import { holdImageVolumesStep } from "./image-volumes.js";
import { providedFileSteps } from "./provided-files.js";
import { dependencyNotFailed, healthyWithinSeconds, waitUntilHealthy, waitUntilRunning } from "./readiness.js";
import { escapeSpecifiers, renderUnit, type UnitEntry, type UnitSection } from "./unit-file.js";

/** Seconds systemd allows for pulling or loading the image before the start counts as failed. */
const IMAGE_TIMEOUT_SECONDS = 900;
/**
 * Longest TimeoutStartSec= written, in seconds. systemd takes more (it
 * counts microseconds in 64 bits, about 18e12 seconds), but an unsigned
 * 32-bit number of seconds, 136 years, bounds every sum made from the
 * compose file's durations without losing precision.
 */
const MAX_TIMEOUT_SECONDS = 2 ** 32 - 1;
/** Added to the grace period so `docker stop` can finish killing before systemd steps in. */
const STOP_MARGIN_SECONDS = 30;

/**
 * The unit for one compose service, following the pattern the seeds proved
 * (remove a stale container, make sure the image is there, run attached,
 * stop with `docker stop`), with the container created first and started
 * attached so that every network is connected before it runs. systemd is
 * the only supervisor: Docker's own `--restart` is never used.
 */
export function serviceUnit(
  ordered: OrderedProject,
  service: Service,
  host: HostOptions,
  engine: Engine,
  header: readonly string[],
  diagnostics: DiagnosticBag,
): string | undefined {
  const { project, byName } = ordered;
  const oneshot = ordered.runsToCompletion.has(service.name);
  const what = `service "${service.name}"`;

  const requires = [...engine.containerDependencies.requires];
  const wants = [...engine.containerDependencies.wants];
  const after = [...engine.containerDependencies.after];
  const needs = (unit: string) => {
    if (!requires.includes(unit)) requires.push(unit);
    if (!after.includes(unit)) after.push(unit);
  };
  if (host.bundle) needs(provisionUnitName(project));
  for (const n of service.networks) needs(networkUnitName(project, n.network));
  for (const m of service.mounts) if (m.type === "volume") needs(volumeUnitName(project, m.volume));

  const exec: UnitEntry[] = [];
  let unrepresentable = false;
  const line = (key: string, cmd: CommandLine | undefined, ignoreFailure = false) => {
    // undefined: the engine cannot run what the compose file asks for, already reported.
    const text = cmd?.render(diagnostics, what);
    if (text === undefined) unrepresentable = true;
    else exec.push([key, (ignoreFailure ? "-" : "") + text, cmd!.widestSource()]);
  };

  let waitSeconds = 0;
  line("ExecStartPre", new CommandLine(engine.binary).add("rm", "--force", "--").addFrom(service.at, service.containerName), true);
  for (const d of service.dependsOn) {
    const dependency = byName.get(d.service);
    if (!dependency) continue;
    const unit = serviceUnitName(project, d.service);
    // A legacy link on Docker's default bridge is bound to one container: a replaced container
    // leaves it dangling. On a user network, links are DNS aliases and follow the new container.
    const legacyLink = d.origin === "links" && service.networks.length === 0;
    const sharesNamespace = d.origin === "network_mode" || d.origin === "ipc" || d.origin === "pid";
    if (d.required && (d.restart || sharesNamespace || legacyLink)) {
      // Requires= also carries the dependency's restarts over to this unit: wanted for
      // `restart: true`, needed for shared namespaces and legacy links.
      needs(unit);
    } else {
      wants.push(unit);
      after.push(unit);
      // Without Requires=, a dependency that failed to start must still stop this one from
      // starting against nothing; the check does not tie this unit to the dependency's restarts.
      if (d.required) line("ExecStartPre", dependencyNotFailed(unit));
    }
    if (d.condition === "service_healthy") {
      // An optional dependency (required: false) delays the start by its bound at most, then the
      // service starts without it, the reason in the journal, as compose warns and goes on.
      line("ExecStartPre", waitUntilHealthy(dependency, engine), !d.required);
      waitSeconds += healthyWithinSeconds(dependency);
      if (IMAGE_TIMEOUT_SECONDS + waitSeconds > MAX_TIMEOUT_SECONDS) {
        diagnostics.error(
          "out-of-range",
          `${what}: waiting for "${d.service}" to become healthy may take ${waitSeconds} seconds by its healthcheck, more than the ${MAX_TIMEOUT_SECONDS} a start timeout here may be; shorten its interval, timeout or retries`,
          d.at,
        );
        unrepresentable = true;
      }
    }
  }
  for (const step of imageSteps(project, service, host, engine)) line("ExecStartPre", step.command, step.ignoreFailure);
  for (const step of providedFileSteps(project, service)) line("ExecStartPre", step);
  const bindSources = engine.createsBindSources ? undefined : bindSourceStep(service);
  if (bindSources) line("ExecStartPre", bindSources);
  line("ExecStartPre", holdImageVolumesStep(project, service));
  line("ExecStartPre", createCommand(ordered, service, engine, diagnostics));
  const connects = connectCommands(project, service, engine, diagnostics);
  if (!connects) unrepresentable = true;
  else for (const connect of connects) line("ExecStartPre", connect);
  line("ExecStart", new CommandLine(engine.binary).add("start", "--attach", "--").addFrom(service.at, service.containerName));
  if (!oneshot) line("ExecStartPost", waitUntilRunning(service, engine));
  const hooks = numberedHooks(service);
  if (oneshot && service.postStart.length > 0) {
    // A one-shot job's ExecStartPost= runs after its container has exited: there is nothing to exec into.
    const dependents = "a service depends on it with condition: service_completed_successfully, so it runs as a one-shot job";
    diagnostics.error("unsupported-key", `${what}: post_start hooks need a running container, but ${dependents}`, service.postStart[0]!.at);
    unrepresentable = true;
  }
  // A failed post_start hook fails the start, as it fails `docker compose up`.
  else for (const h of hooks) if (h.key === "post_start") line("ExecStartPost", hookCommand(project, service, h, engine));
  // A failed pre_stop hook must not keep the container from stopping.
  for (const h of hooks) if (h.key === "pre_stop") line("ExecStop", hookCommand(project, service, h, engine), true);
  // The container may already be gone (it exited, and --rm removed it); that is not a failed stop.
  line(
    "ExecStop",
    new CommandLine(engine.binary).add("stop", "--time", String(service.stop.gracePeriodSeconds), "--").addFrom(service.at, service.containerName),
    true,
  );
  if (unrepresentable) return undefined;

  const unit: UnitSection = {
    name: "Unit",
    entries: [
      ["Description", escapeSpecifiers(`${project.name}: compose service ${service.name}`), service.at],
      ...requires.map((u) => ["Requires", u] as const),
      ...wants.map((u) => ["Wants", u] as const),
      ...after.map((u) => ["After", u] as const),
      ["PartOf", targetUnitName(project)],
      ...startLimits(service, oneshot),
    ],
  };
  const serviceSection: UnitSection = {
    name: "Service",
    entries: [
      ...(oneshot
        ? ([
            ["Type", "oneshot"],
            ["RemainAfterExit", "yes"],
          ] as const)
        : ([["Type", "simple"]] as const)),
      // A one-shot job runs inside its start job, so it gets no bound beyond the image's.
      ["TimeoutStartSec", oneshot ? "infinity" : String(IMAGE_TIMEOUT_SECONDS + waitSeconds)],
      ["TimeoutStopSec", String(service.stop.gracePeriodSeconds + STOP_MARGIN_SECONDS)],
      ...exec,
      ...restartSettings(service, oneshot),
      // 128 + the stop signal (143 for SIGTERM): the container's answer to `docker stop`, a clean stop.
      ["SuccessExitStatus", cleanStopStatuses(service)],
    ],
  };
  const install: UnitSection = { name: "Install", entries: [["WantedBy", targetUnitName(project)]] };
  return renderUnit(header, [unit, serviceSection, install], diagnostics, what);
}

/** The exits of a container stopped by `docker stop`: 128 + SIGTERM, and 128 + its own stop signal. */
function cleanStopStatuses(service: Service): string {
  const own = service.stop.signal ? signalNumber(service.stop.signal.value) : undefined;
  return own === undefined || own === 15 ? "143" : `143 ${128 + own}`;
}

/**
 * compose `restart:` in systemd terms. Docker retries `always` forever, so
 * the start rate limit is switched off; `on-failure:N` allows N restarts.
 * A one-shot job that succeeded is done, so `always` restarts it only on failure.
 */
function restartSettings(service: Service, oneshot: boolean): UnitEntry[] {
  switch (service.restart.mode) {
    case "no":
      return [["Restart", "no"]];
    case "always":
    case "unless-stopped":
      return [
        ["Restart", oneshot ? "on-failure" : "always"],
        ["RestartSec", "2"],
      ];
    case "on-failure":
      return [
        ["Restart", "on-failure"],
        ["RestartSec", "2"],
      ];
  }
}

function startLimits(service: Service, oneshot: boolean): UnitEntry[] {
  const r = service.restart;
  if (r.mode === "no") return [];
  if (r.mode === "on-failure" && r.maxRetries !== undefined) {
    // The first start plus N restarts, counted over the unit's whole life.
    return [
      ["StartLimitIntervalSec", "infinity"],
      ["StartLimitBurst", String(r.maxRetries + 1)],
    ];
  }
  return oneshot ? [] : [["StartLimitIntervalSec", "0"]];
}

import type { Service } from "../../model/project.js";
import type { Engine } from "../engine.js";
import { SHELL, SYSTEMCTL } from "../layout.js";
import { CommandLine } from "./command-line.js";

/**
 * What "started" means for units ordered after this one. systemd considers
 * a Type=simple unit started when `docker start --attach` forks; this
 * ExecStartPost= holds the start job until the container has left the
 * "created" state, so volumes_from and network_mode: service:x find it
 * running. It gives up at once if the docker client has already exited.
 */
export function waitUntilRunning(service: Service, engine: Engine): CommandLine {
  return new CommandLine(SHELL)
    .add(
      "-c",
      `until s=$(${engine.binary} container inspect --format '{{.State.Status}}' -- "$1" 2>/dev/null) && [ "$s" != created ]; do kill -0 "$MAINPID" 2>/dev/null || exit 0; sleep 0.2; done`,
      "wait-until-running",
    )
    .addFrom(service.at, service.containerName);
}

/**
 * Fails when the dependency's unit failed, and only then: compose orders a
 * `service_started` start but never blocks on it, so a dependency that has
 * already finished (a data container, an init job) or is waiting to be
 * restarted lets this one start; one that failed, and will not be restarted,
 * does not. (`systemctl is-active` also refused the finished ones.)
 */
export function dependencyNotFailed(unit: string): CommandLine {
  return new CommandLine(SHELL).add(
    "-c",
    `if ${SYSTEMCTL} is-failed --quiet -- "$1"; then echo "$1 failed: not starting without it" >&2; exit 1; fi`,
    "dependency-not-failed",
    unit,
  );
}

/**
 * Seconds a dependency may take to report healthy: docker declares a
 * container unhealthy after `retries` failed checks past the start period,
 * each taking at most interval + timeout. Docker's defaults apply where the
 * compose file leaves a value out (30s, 30s, 0s, 3).
 */
export function healthyWithinSeconds(dependency: Service): number {
  const check = dependency.healthcheck;
  const h = check?.kind === "disabled" ? undefined : check;
  const interval = h?.intervalSeconds ?? 30;
  const timeout = h?.timeoutSeconds ?? 30;
  const startPeriod = h?.startPeriodSeconds ?? 0;
  const retries = h?.retries ?? 3;
  return Math.ceil(startPeriod + (retries + 1) * (interval + timeout));
}

/**
 * ExecStartPre= of a dependent with `condition: service_healthy`: wait for
 * the dependency's container to be healthy, fail at once if it is
 * unhealthy or has no healthcheck, and fail after the bound rather than
 * hang, so boot never waits forever.
 */
export function waitUntilHealthy(dependency: Service, engine: Engine): CommandLine {
  const script = [
    `end=$(( $(date +%s) + $2 ))`,
    `while :; do s=$(${engine.binary} container inspect --format '${engine.healthFormat}' -- "$1" 2>/dev/null) || s=missing`,
    `case $s in healthy) exit 0 ;; unhealthy) echo "$1 is unhealthy" >&2; exit 1 ;; none) echo "$1 has no healthcheck, so it can never be healthy" >&2; exit 1 ;; esac`,
    `[ "$(date +%s)" -lt "$end" ] || { echo "$1 did not become healthy within $2 seconds (last status: $s)" >&2; exit 1; }`,
    `sleep 1; done`,
  ].join("; ");
  return new CommandLine(SHELL).add("-c", script, "wait-until-healthy", dependency.containerName, String(healthyWithinSeconds(dependency)));
}

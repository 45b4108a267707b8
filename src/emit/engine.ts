import { PODMAN_FLAGS } from "./flags/podman.js";

/** The container engines whose command-line client the units can run. */
export const ENGINE_NAMES = ["docker", "podman"] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/** The subcommands whose flags compose2units builds from the compose file (in docker's spelling). */
export type FlagCommand = "create" | "network connect" | "network create" | "volume create";

/**
 * One docker flag as the engine spells it: `global` words go between the
 * binary and the subcommand (podman's `--runtime`), `local` words after it.
 */
export interface FlagSpelling {
  readonly global: readonly string[];
  readonly local: readonly string[];
}

/** A docker flag the engine has no equivalent for, and why, for the user. */
export interface FlagUnsupported {
  readonly unsupported: string;
}

export interface FlagRule {
  /** Whether the flag takes the next word as its value. */
  readonly takesValue: boolean;
  readonly spell: (flag: string, value: string | undefined) => FlagSpelling | FlagUnsupported;
}

export type FlagTable = Readonly<Record<string, FlagRule>>;

/** [Unit] dependencies a unit gets on the engine itself. */
export interface EngineDependencies {
  readonly requires: readonly string[];
  readonly wants: readonly string[];
  readonly after: readonly string[];
}

/**
 * Everything the emitters need to know about the engine that runs the
 * containers. Docker's own spelling is the reference: the emitters build
 * docker's flags, and an engine with a flag table respells or refuses them.
 */
export interface Engine {
  readonly name: EngineName;
  /** The client every unit runs. */
  readonly binary: string;
  /** What units that run containers need first. */
  readonly containerDependencies: EngineDependencies;
  /** What units that only create networks and volumes, or prune images, need first. */
  readonly resourceDependencies: EngineDependencies;
  /** The distribution package `installDocker: true` (the CLI's bare --install-docker) means. */
  readonly defaultPackage: string;
  /** Units to enable once the package is installed. */
  readonly enableAfterInstall: readonly string[];
  /** Whether `--volume SRC:DST` creates a missing SRC folder, as dockerd does. */
  readonly createsBindSources: boolean;
  /** The words after the binary that pull an image, reading registry credentials from `authFile`. */
  readonly pullWords: (authFile: string | undefined) => readonly string[];
  /**
   * Go template for `container inspect --format` that prints healthy,
   * unhealthy, starting, or `none` for a container without a healthcheck.
   */
  readonly healthFormat: string;
  /** How docker's flags are spelled; absent when they are the engine's own. */
  readonly flags?: Readonly<Record<FlagCommand, FlagTable>>;
  /**
   * `create` flags for a service whose compose file sets no `logging`. The
   * container's output reaches the journal through the attached client
   * either way; what the engine keeps of it besides must not grow without end.
   */
  readonly defaultLogging: readonly string[];
}

const NO_DEPENDENCIES: EngineDependencies = { requires: [], wants: [], after: [] };

/** The [Unit] lines for a unit's dependencies on the engine, in the order systemd documents them. */
export function dependencyEntries(dependencies: EngineDependencies): (readonly [key: string, value: string])[] {
  return [
    ...dependencies.requires.map((u) => ["Requires", u] as const),
    ...dependencies.wants.map((u) => ["Wants", u] as const),
    ...dependencies.after.map((u) => ["After", u] as const),
  ];
}

export const DOCKER_ENGINE: Engine = {
  name: "docker",
  binary: "/usr/bin/docker",
  containerDependencies: { requires: ["docker.service"], wants: [], after: ["docker.service"] },
  resourceDependencies: { requires: ["docker.service"], wants: [], after: ["docker.service"] },
  defaultPackage: "docker.io",
  enableAfterInstall: ["docker.service"],
  createsBindSources: true,
  // docker reads credentials from config.json in the folder --config names.
  pullWords: (authFile) => [...(authFile !== undefined ? ["--config", authFile.slice(0, authFile.lastIndexOf("/"))] : []), "pull"],
  // State.Health is a pointer docker leaves out when the container has no healthcheck.
  healthFormat: "{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}",
  // dockerd's default json-file log is never rotated: 3 files of 10 MB keep `docker logs` working.
  defaultLogging: ["--log-driver", "json-file", "--log-opt", "max-size=10m", "--log-opt", "max-file=3"],
};

/**
 * podman runs containers without a daemon: nothing to require, and no unit
 * to enable. Its containers want the network up, as the units `podman
 * generate systemd` writes do (Wants=/After=network-online.target);
 * creating networks and volumes and pruning images need nothing.
 */
export const PODMAN_ENGINE: Engine = {
  name: "podman",
  binary: "/usr/bin/podman",
  containerDependencies: { requires: [], wants: ["network-online.target"], after: ["network-online.target"] },
  resourceDependencies: NO_DEPENDENCIES,
  defaultPackage: "podman",
  enableAfterInstall: [],
  // podman refuses a missing bind source ("statfs ...: no such file or directory").
  createsBindSources: false,
  // podman reads a docker config.json as its auth file (containers-auth.json(5) is the same format).
  pullWords: (authFile) => ["pull", ...(authFile !== undefined ? ["--authfile", authFile] : [])],
  // podman 4.3 always has a State.Health, empty until the first check and for containers without
  // a healthcheck; the configured test tells the two apart (--no-healthcheck stores ["NONE"]).
  healthFormat: '{{if and .Config.Healthcheck (ne (index .Config.Healthcheck.Test 0) "NONE")}}{{or .State.Health.Status "starting"}}{{else}}none{{end}}',
  flags: PODMAN_FLAGS,
  // podman logs to the journal by default on a systemd host, which journald bounds itself.
  defaultLogging: [],
};

export function engineNamed(name: EngineName | undefined): Engine {
  return name === "podman" ? PODMAN_ENGINE : DOCKER_ENGINE;
}

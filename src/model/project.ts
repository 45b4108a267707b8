import type { SourceLocation } from "../diagnostics.js";

/**
 * The one typed model of a compose project. The front end produces it from
 * YAML; the graph pass and the emitters read only this. Every list is in a
 * stable order and every value is already interpolated and in long form, so
 * an emitter never has to know how the user spelled something.
 */
export interface Project {
  /** Normalized as compose does: lowercase letters, digits, `-` and `_`. */
  readonly name: string;
  /** Where the name comes from (`name:`, or the top of the file for a folder's name); absent when given as -p or COMPOSE_PROJECT_NAME. */
  readonly nameAt?: SourceLocation;
  /** v1 files run on Docker's default bridge with links; later formats get a project network. */
  readonly format: "v1" | "compose";
  readonly services: readonly Service[];
  readonly networks: readonly Network[];
  readonly volumes: readonly NamedVolume[];
  /**
   * Top-level `x-cloud-config`: host settings (packages, users, timezone,
   * ssh...) merged into the generated cloud-config.
   */
  readonly hostConfig?: Located<{ readonly [key: string]: unknown }>;
}

export interface Service {
  readonly name: string;
  /** Where the service's key is written. */
  readonly at: SourceLocation;
  readonly containerName: string;
  readonly image: ImageSource;
  readonly entrypoint?: Located<readonly string[]>;
  readonly command?: Located<readonly string[]>;
  readonly environment: readonly EnvironmentVariable[];
  readonly labels: readonly Label[];
  readonly ports: readonly PortMapping[];
  readonly expose: readonly Located<string>[];
  readonly mounts: readonly Mount[];
  readonly volumesFrom: readonly VolumesFrom[];
  readonly links: readonly Link[];
  readonly dependsOn: readonly Dependency[];
  readonly networkMode?: NetworkMode;
  readonly ipc?: NamespaceMode;
  readonly pid?: NamespaceMode;
  readonly networks: readonly NetworkAttachment[];
  readonly hostname?: Located<string>;
  readonly user?: Located<string>;
  readonly workingDir?: Located<string>;
  readonly restart: RestartPolicy;
  readonly stop: StopPolicy;
  readonly healthcheck?: Healthcheck;
  /** `post_start:` hooks, run in the container once it is running, in order. */
  readonly postStart: readonly LifecycleHook[];
  /** `pre_stop:` hooks, run in the container before it is stopped, in order. */
  readonly preStop: readonly LifecycleHook[];
  /** `secrets:` and `configs:`: files the host keeps and bind-mounts read-only into the container. */
  readonly files: readonly ProvidedFile[];
  /** Flags without further structure (`--privileged`, `--cap-add X`, ...), already in argv form. */
  readonly runFlags: readonly RunFlag[];
}

/** A value together with where the user wrote it, for diagnostics that emitters raise. */
export interface Located<T> {
  readonly value: T;
  readonly at: SourceLocation;
}

export type ImageSource =
  | { readonly kind: "registry"; readonly ref: Located<string>; readonly pull: PullPolicy }
  /** `docker load -i` from a tarball already on the host (seed 002's provisioning pattern). */
  | { readonly kind: "archive"; readonly ref: Located<string>; readonly archive: Located<string> };

export type PullPolicy = "always" | "missing" | "never";

export interface EnvironmentVariable {
  readonly name: string;
  readonly value: string;
  readonly at: SourceLocation;
}

export interface Label {
  readonly name: string;
  readonly value: string;
  readonly at: SourceLocation;
}

export interface PortMapping {
  readonly hostIp?: string;
  /** A single port or a range such as `8000-8010`; absent when docker picks one. */
  readonly published?: string;
  readonly target: string;
  readonly protocol: "tcp" | "udp" | "sctp";
  readonly at: SourceLocation;
}

export type Mount =
  | { readonly type: "bind"; readonly source: string; readonly target: string; readonly readOnly: boolean; readonly options: readonly string[]; readonly at: SourceLocation }
  | { readonly type: "volume"; readonly volume: string; readonly target: string; readonly readOnly: boolean; readonly options: readonly string[]; readonly at: SourceLocation }
  /** A volume with no name: docker creates a fresh one for each container. */
  | { readonly type: "anonymous"; readonly target: string; readonly readOnly: boolean; readonly options: readonly string[]; readonly at: SourceLocation }
  | { readonly type: "tmpfs"; readonly target: string; readonly options: readonly string[]; readonly at: SourceLocation };

export interface VolumesFrom {
  readonly source: { readonly kind: "service" | "container"; readonly name: string };
  readonly readOnly: boolean;
  readonly at: SourceLocation;
}

export interface Link {
  readonly service: string;
  readonly alias: string;
  readonly at: SourceLocation;
}

/**
 * An ordering edge between services. Explicit ones come from `depends_on`;
 * implied ones from links, volumes_from and `service:x` in network_mode, ipc or pid
 * (the origin names the key, so a message can point the reader to it).
 */
export interface Dependency {
  readonly service: string;
  readonly condition: "service_started" | "service_healthy" | "service_completed_successfully";
  /** false: start it if it exists, but do not fail without it. */
  readonly required: boolean;
  /** true: restart this service when the dependency restarts. */
  readonly restart: boolean;
  readonly origin: "depends_on" | "links" | "volumes_from" | "network_mode" | "ipc" | "pid";
  readonly at: SourceLocation;
}

export type NetworkMode =
  | { readonly kind: "service"; readonly service: string; readonly at: SourceLocation }
  | { readonly kind: "container"; readonly container: string; readonly at: SourceLocation }
  | { readonly kind: "host" | "none" | "bridge"; readonly at: SourceLocation };

/** `ipc:`/`pid:`: another service's namespace, or a mode docker understands (`host`, `shareable`, `container:x`). */
export type NamespaceMode =
  | { readonly kind: "service"; readonly service: string; readonly at: SourceLocation }
  | { readonly kind: "value"; readonly value: string; readonly at: SourceLocation };

/** One network a service joins; the list is in compose's order: highest `priority` first, then by name. */
export interface NetworkAttachment {
  readonly network: string;
  readonly aliases: readonly string[];
  readonly ipv4Address?: string;
  readonly ipv6Address?: string;
  readonly linkLocalIps: readonly string[];
  readonly at: SourceLocation;
}

/** A network the project declares or uses; `default` is the implicit one compose creates. */
export interface Network {
  readonly key: string;
  /** The name docker knows it by: `<project>_<key>` unless set or external. */
  readonly dockerName: string;
  /** External networks are never created; the unit only checks that they exist. */
  readonly external: boolean;
  /** Options for `docker network create` (driver, subnets, labels...), in argv form, each where its key is written. */
  readonly createArgs: readonly RunFlag[];
  readonly at: SourceLocation;
}

export interface NamedVolume {
  readonly key: string;
  readonly dockerName: string;
  readonly external: boolean;
  /** Options for `docker volume create` (driver, driver_opts, labels), in argv form, each where its key is written. */
  readonly createArgs: readonly RunFlag[];
  readonly at: SourceLocation;
}

export interface RestartPolicy {
  readonly mode: "no" | "always" | "on-failure" | "unless-stopped";
  /** `on-failure:N`: give up after N restarts. */
  readonly maxRetries?: number;
  readonly at?: SourceLocation;
}

export interface StopPolicy {
  /** Seconds `docker stop` waits before it kills; compose's default is 10. */
  readonly gracePeriodSeconds: number;
  readonly signal?: Located<string>;
}

export interface Healthcheck {
  readonly test: readonly string[];
  readonly intervalSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly startPeriodSeconds?: number;
  readonly retries?: number;
  readonly at: SourceLocation;
}

/** A command run inside the service's running container (`docker exec`), as compose's lifecycle hooks are. */
export interface LifecycleHook {
  readonly command: Located<readonly string[]>;
  readonly user?: Located<string>;
  readonly privileged: boolean;
  readonly workingDir?: Located<string>;
  readonly environment: readonly EnvironmentVariable[];
  readonly at: SourceLocation;
}

/**
 * A secret or config as a file: its content is resolved at compile time
 * (from `file:`, `environment:` or `content:`), installed on the host
 * readable by root only, and bind-mounted read-only at `target`.
 */
export interface ProvidedFile {
  readonly kind: "secret" | "config";
  /** The top-level key it is declared under. */
  readonly name: string;
  readonly content: string;
  /** Absolute path in the container. */
  readonly target: string;
  readonly uid?: string;
  readonly gid?: string;
  /** Permission bits in the container; compose's default is 0444. */
  readonly mode: number;
  readonly at: SourceLocation;
}

export interface RunFlag {
  readonly argv: readonly string[];
  readonly at: SourceLocation;
}

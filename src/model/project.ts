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
  /** `tmpfs:` entries, each a path and the kernel's tmpfs mount options as written (`size=8m`, `noexec`...). */
  readonly tmpfs: readonly TmpfsEntry[];
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
  /** The keys that set up the container itself (privileges, kernel settings, resources, logging...). */
  readonly container: ContainerSettings;
  /** `external_links`: containers outside the project, reached by a legacy link. */
  readonly externalLinks: readonly ExternalLink[];
}

/**
 * Service keys that configure the container without naming anything else in
 * the project, each as compose means it: checked, in long form, as written
 * where docker reads the text itself (sizes such as `512m`, CPU counts).
 * A key the file leaves out is absent (or an empty list).
 */
export interface ContainerSettings {
  readonly privileged?: Located<boolean>;
  readonly readOnly?: Located<boolean>;
  readonly init?: Located<boolean>;
  readonly tty?: Located<boolean>;
  readonly stdinOpen?: Located<boolean>;
  readonly oomKillDisable?: Located<boolean>;
  readonly capAdd: readonly Located<string>[];
  readonly capDrop: readonly Located<string>[];
  readonly dns: readonly Located<string>[];
  readonly dnsSearch: readonly Located<string>[];
  readonly dnsOpt: readonly Located<string>[];
  readonly securityOpt: readonly Located<string>[];
  readonly groupAdd: readonly Located<string>[];
  readonly deviceCgroupRules: readonly Located<string>[];
  readonly devices: readonly Device[];
  readonly extraHosts: readonly ExtraHost[];
  readonly sysctls: readonly Setting[];
  readonly storageOpt: readonly Setting[];
  readonly ulimits: readonly Ulimit[];
  readonly logging?: Logging;
  readonly gpus?: Gpus;
  readonly resources: Resources;
  readonly usernsMode?: Located<string>;
  readonly uts?: Located<string>;
  readonly cgroup?: Located<string>;
  readonly cgroupParent?: Located<string>;
  readonly platform?: Located<string>;
  readonly runtime?: Located<string>;
  readonly domainname?: Located<string>;
  readonly macAddress?: Located<string>;
  readonly blkio?: BlockIo;
  /** `deploy.resources`: swarm's spelling of some of the same limits, applied after the service's own keys. */
  readonly deploy?: DeployResources;
}

/** A name and its value: a sysctl, a storage option, a logging option, a device weight. */
export interface Setting {
  readonly name: string;
  readonly value: string;
  readonly at: SourceLocation;
}

/** A host device in the container; `target` absent: the same path as on the host. */
export interface Device {
  readonly source: string;
  readonly target?: string;
  /** cgroup permissions such as `rwm`. */
  readonly permissions?: string;
  readonly at: SourceLocation;
}

export interface ExtraHost {
  readonly host: string;
  readonly ip: string;
  readonly at: SourceLocation;
}

/** A resource limit; `hard` absent: one number for both, as `nofile: 1024` is written. */
export interface Ulimit {
  readonly name: string;
  readonly soft: string;
  readonly hard?: string;
  readonly at: SourceLocation;
}

export interface Logging {
  readonly driver?: Located<string>;
  readonly options: readonly Setting[];
  readonly at: SourceLocation;
}

/** `gpus: all`, or a list of device requests. */
export type Gpus =
  | { readonly kind: "all"; readonly at: SourceLocation }
  | { readonly kind: "requests"; readonly requests: readonly DeviceRequest[]; readonly at: SourceLocation };

/** One GPU device request, of `gpus:` or of `deploy.resources.reservations.devices`. */
export interface DeviceRequest {
  readonly count?: string;
  readonly deviceIds?: readonly string[];
  readonly capabilities?: readonly string[];
  readonly driver?: string;
  readonly at: SourceLocation;
}

/** Memory, CPU and process limits, each the text the compose file gives (checked, not converted). */
export interface Resources {
  readonly shmSize?: Located<string>;
  readonly memLimit?: Located<string>;
  /** `-1`: unlimited swap. */
  readonly memswapLimit?: Located<string>;
  readonly memReservation?: Located<string>;
  readonly memSwappiness?: Located<string>;
  readonly cpus?: Located<string>;
  readonly cpuShares?: Located<string>;
  readonly cpuQuota?: Located<string>;
  readonly cpuPeriod?: Located<string>;
  readonly cpuRtRuntime?: Located<string>;
  readonly cpuRtPeriod?: Located<string>;
  readonly cpuset?: Located<string>;
  readonly pidsLimit?: Located<string>;
  readonly oomScoreAdj?: Located<string>;
}

/** `blkio_config`: a weight for the container and per-device weights and rates (bytes or operations per second). */
export interface BlockIo {
  readonly weight?: Located<string>;
  readonly weightDevice: readonly DeviceRate[];
  readonly deviceReadBps: readonly DeviceRate[];
  readonly deviceWriteBps: readonly DeviceRate[];
  readonly deviceReadIops: readonly DeviceRate[];
  readonly deviceWriteIops: readonly DeviceRate[];
  readonly at: SourceLocation;
}

export interface DeviceRate {
  readonly path: string;
  /** The weight, or the rate as written (`12mb`, `1000`). */
  readonly value: string;
  readonly at: SourceLocation;
}

/** The parts of `deploy.resources` that mean something for one container. */
export interface DeployResources {
  readonly limits: { readonly cpus?: Located<string>; readonly memory?: Located<string>; readonly pids?: Located<string> };
  readonly reservations: { readonly memory?: Located<string>; readonly devices: readonly DeviceRequest[] };
  readonly at: SourceLocation;
}

export interface ExternalLink {
  readonly container: string;
  readonly alias: string;
  readonly at: SourceLocation;
}

export interface TmpfsEntry {
  readonly target: string;
  readonly options: readonly string[];
  readonly at: SourceLocation;
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
  | {
      readonly type: "bind";
      readonly source: string;
      readonly target: string;
      readonly readOnly: boolean;
      readonly bind: BindOptions;
      readonly consistency?: Consistency;
      readonly at: SourceLocation;
    }
  | {
      readonly type: "volume";
      readonly volume: string;
      readonly target: string;
      readonly readOnly: boolean;
      readonly nocopy: boolean;
      readonly consistency?: Consistency;
      readonly at: SourceLocation;
    }
  /** A volume with no name: docker creates a fresh one for each container. */
  | {
      readonly type: "anonymous";
      readonly target: string;
      readonly readOnly: boolean;
      readonly nocopy: boolean;
      readonly consistency?: Consistency;
      readonly at: SourceLocation;
    }
  | {
      readonly type: "tmpfs";
      readonly target: string;
      readonly readOnly: boolean;
      readonly size?: string;
      readonly mode?: number;
      readonly at: SourceLocation;
    };

export interface BindOptions {
  readonly propagation?: "shared" | "slave" | "private" | "rshared" | "rslave" | "rprivate";
  /** `z`: a label shared between containers; `Z`: private to this one. */
  readonly selinux?: "z" | "Z";
}

/** Docker Desktop's file-sharing hints, accepted (and without effect) on Linux. */
export type Consistency = "cached" | "delegated" | "consistent";

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
  /** The key that asks for it; `ipc` and `pid` share a namespace as `network_mode` does. */
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
  /** `priority:` as written; it only orders the list. */
  readonly priority?: number;
  readonly at: SourceLocation;
}

/** A network the project declares or uses; `default` is the implicit one compose creates. */
export interface Network {
  readonly key: string;
  /** The name docker knows it by: `<project>_<key>` unless set or external. */
  readonly dockerName: string;
  /** External networks are never created; the unit only checks that they exist. */
  readonly external: boolean;
  /** What the project declares about it; nothing for an external network. */
  readonly driver?: Located<string>;
  readonly driverOpts: readonly Setting[];
  readonly internal?: Located<boolean>;
  readonly attachable?: Located<boolean>;
  readonly enableIpv6?: Located<boolean>;
  readonly ipam?: Ipam;
  readonly labels: readonly Setting[];
  readonly at: SourceLocation;
}

export interface Ipam {
  readonly driver?: Located<string>;
  readonly options: readonly Setting[];
  readonly config: readonly IpamPool[];
  readonly at: SourceLocation;
}

export interface IpamPool {
  readonly subnet?: Located<string>;
  readonly ipRange?: Located<string>;
  readonly gateway?: Located<string>;
  readonly auxAddresses: readonly Setting[];
}

export interface NamedVolume {
  readonly key: string;
  readonly dockerName: string;
  readonly external: boolean;
  readonly driver?: Located<string>;
  readonly driverOpts: readonly Setting[];
  readonly labels: readonly Setting[];
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

/**
 * `healthcheck:`. `image` keeps the image's own test and sets only the
 * timings given; `disabled` turns the image's check off.
 */
export type Healthcheck =
  | { readonly kind: "disabled"; readonly at: SourceLocation }
  | ({ readonly kind: "shell"; readonly command: string } & HealthTimings)
  | ({ readonly kind: "exec"; readonly argv: readonly string[] } & HealthTimings)
  | ({ readonly kind: "image" } & HealthTimings);

export interface HealthTimings {
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
  /** Where the content comes from, as declared: a file on this machine, a variable of the environment, or the compose file itself. */
  readonly source:
    { readonly kind: "file"; readonly path: string } | { readonly kind: "environment"; readonly variable: string } | { readonly kind: "content" };
  /** Absolute path in the container. */
  readonly target: string;
  readonly uid?: string;
  readonly gid?: string;
  /** Permission bits in the container; compose's default is 0444. */
  readonly mode: number;
  readonly at: SourceLocation;
}

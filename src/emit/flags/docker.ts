import type { SourceLocation } from "../../diagnostics.js";
import type { BlockIo, ContainerSettings, DeviceRequest, Healthcheck, Located, Mount, NamedVolume, Network, Service, Setting } from "../../model/project.js";

/**
 * How docker's command line says what the compose file says: the one
 * place a compose key becomes a docker flag. Every flag is docker's
 * spelling; an engine with another (podman.ts, beside this file) respells
 * or refuses it afterwards, by flag. Each flag keeps where its key is
 * written, for the diagnostics of whatever refuses it later.
 */
export interface DockerFlag {
  readonly argv: readonly string[];
  readonly at: SourceLocation;
}

type Rule = (settings: ContainerSettings) => DockerFlag[];

const flag = (at: SourceLocation, ...argv: string[]): DockerFlag => ({ argv, at });
const onlyIf = (v: Located<boolean> | undefined, name: string): DockerFlag[] => (v?.value ? [flag(v.at, name)] : []);
const text = (v: Located<string> | undefined, name: string): DockerFlag[] => (v ? [flag(v.at, name, v.value)] : []);
const each = (list: readonly Located<string>[], name: string): DockerFlag[] => list.map((v) => flag(v.at, name, v.value));
const pairs = (list: readonly Setting[], name: string): DockerFlag[] => list.map((s) => flag(s.at, name, `${s.name}=${s.value}`));

/** One GPU request as `--gpus`' comma-separated fields; quoted fields hold lists. */
function gpuFlag(r: DeviceRequest): DockerFlag {
  const parts: string[] = [];
  if (r.count) parts.push(`count=${r.count}`);
  if (r.deviceIds) parts.push(`"device=${r.deviceIds.join(",")}"`);
  if (r.capabilities) parts.push(`"capabilities=${r.capabilities.join(",")}"`);
  if (r.driver) parts.push(`driver=${r.driver}`);
  return flag(r.at, "--gpus", parts.join(",") || "all");
}

function blkioFlags(b: BlockIo | undefined): DockerFlag[] {
  if (!b) return [];
  const perDevice = (list: BlockIo["weightDevice"], name: string) => list.map((d) => flag(d.at, name, `${d.path}:${d.value}`));
  return [
    ...text(b.weight, "--blkio-weight"),
    ...perDevice(b.weightDevice, "--blkio-weight-device"),
    ...perDevice(b.deviceReadBps, "--device-read-bps"),
    ...perDevice(b.deviceWriteBps, "--device-write-bps"),
    ...perDevice(b.deviceReadIops, "--device-read-iops"),
    ...perDevice(b.deviceWriteIops, "--device-write-iops"),
  ];
}

/**
 * The container settings in the order their flags go on the command line,
 * whatever the order of the keys in the file: compose key → docker flag.
 */
const CONTAINER_RULES: readonly (readonly [composeKey: string, rule: Rule])[] = [
  ["privileged", (c) => onlyIf(c.privileged, "--privileged")],
  ["read_only", (c) => onlyIf(c.readOnly, "--read-only")],
  ["init", (c) => onlyIf(c.init, "--init")],
  ["tty", (c) => onlyIf(c.tty, "--tty")],
  ["stdin_open", (c) => onlyIf(c.stdinOpen, "--interactive")],
  ["oom_kill_disable", (c) => onlyIf(c.oomKillDisable, "--oom-kill-disable")],
  ["cap_add", (c) => each(c.capAdd, "--cap-add")],
  ["cap_drop", (c) => each(c.capDrop, "--cap-drop")],
  ["dns", (c) => each(c.dns, "--dns")],
  ["dns_search", (c) => each(c.dnsSearch, "--dns-search")],
  ["dns_opt", (c) => each(c.dnsOpt, "--dns-option")],
  ["security_opt", (c) => each(c.securityOpt, "--security-opt")],
  ["group_add", (c) => each(c.groupAdd, "--group-add")],
  ["device_cgroup_rules", (c) => each(c.deviceCgroupRules, "--device-cgroup-rule")],
  ["devices", (c) => c.devices.map((d) => flag(d.at, "--device", [d.source, d.target, d.permissions].filter((p) => p !== undefined).join(":")))],
  ["extra_hosts", (c) => c.extraHosts.map((h) => flag(h.at, "--add-host", `${h.host}:${h.ip}`))],
  ["sysctls", (c) => pairs(c.sysctls, "--sysctl")],
  ["storage_opt", (c) => pairs(c.storageOpt, "--storage-opt")],
  ["ulimits", (c) => c.ulimits.map((u) => flag(u.at, "--ulimit", `${u.name}=${u.soft}${u.hard !== undefined ? `:${u.hard}` : ""}`))],
  ["logging", (c) => (c.logging ? [...text(c.logging.driver, "--log-driver"), ...pairs(c.logging.options, "--log-opt")] : [])],
  ["gpus", (c) => (c.gpus?.kind === "all" ? [flag(c.gpus.at, "--gpus", "all")] : (c.gpus?.requests ?? []).map(gpuFlag))],
  ["shm_size", (c) => text(c.resources.shmSize, "--shm-size")],
  ["mem_limit", (c) => text(c.resources.memLimit, "--memory")],
  ["memswap_limit", (c) => text(c.resources.memswapLimit, "--memory-swap")],
  ["mem_reservation", (c) => text(c.resources.memReservation, "--memory-reservation")],
  ["mem_swappiness", (c) => text(c.resources.memSwappiness, "--memory-swappiness")],
  ["cpus", (c) => text(c.resources.cpus, "--cpus")],
  ["cpu_shares", (c) => text(c.resources.cpuShares, "--cpu-shares")],
  ["cpu_quota", (c) => text(c.resources.cpuQuota, "--cpu-quota")],
  ["cpu_period", (c) => text(c.resources.cpuPeriod, "--cpu-period")],
  ["cpu_rt_runtime", (c) => text(c.resources.cpuRtRuntime, "--cpu-rt-runtime")],
  ["cpu_rt_period", (c) => text(c.resources.cpuRtPeriod, "--cpu-rt-period")],
  ["cpuset", (c) => text(c.resources.cpuset, "--cpuset-cpus")],
  ["pids_limit", (c) => text(c.resources.pidsLimit, "--pids-limit")],
  ["oom_score_adj", (c) => text(c.resources.oomScoreAdj, "--oom-score-adj")],
  ["userns_mode", (c) => text(c.usernsMode, "--userns")],
  ["uts", (c) => text(c.uts, "--uts")],
  ["cgroup", (c) => text(c.cgroup, "--cgroupns")],
  ["cgroup_parent", (c) => text(c.cgroupParent, "--cgroup-parent")],
  ["platform", (c) => text(c.platform, "--platform")],
  ["runtime", (c) => text(c.runtime, "--runtime")],
  ["domainname", (c) => text(c.domainname, "--domainname")],
  ["mac_address", (c) => text(c.macAddress, "--mac-address")],
  ["blkio_config", (c) => blkioFlags(c.blkio)],
  // After the service's own keys, so that swarm's spelling of a limit wins when both are given, as the last flag does.
  [
    "deploy",
    (c) => {
      const d = c.deploy;
      if (!d) return [];
      return [
        ...text(d.limits.cpus, "--cpus"),
        ...text(d.limits.memory, "--memory"),
        ...text(d.limits.pids, "--pids-limit"),
        ...text(d.reservations.memory, "--memory-reservation"),
        ...d.reservations.devices.map(gpuFlag),
      ];
    },
  ],
];

/** `docker create` flags for the service's container settings and its external links. */
export function containerFlags(service: Service): DockerFlag[] {
  return [
    ...CONTAINER_RULES.flatMap(([, rule]) => rule(service.container)),
    ...service.externalLinks.map((l) => flag(l.at, "--link", `${l.container}:${l.alias}`)),
  ];
}

/** `docker create`'s healthcheck flags. docker run takes only the shell form: an exec-form test is quoted into one shell command. */
export function healthcheckFlags(h: Healthcheck): string[] {
  if (h.kind === "disabled") return ["--no-healthcheck"];
  const args: string[] = [];
  if (h.kind === "shell") args.push("--health-cmd", h.command);
  else if (h.kind === "exec") args.push("--health-cmd", h.argv.map(shellQuote).join(" "));
  if (h.intervalSeconds !== undefined) args.push("--health-interval", goDuration(h.intervalSeconds));
  if (h.timeoutSeconds !== undefined) args.push("--health-timeout", goDuration(h.timeoutSeconds));
  if (h.startPeriodSeconds !== undefined) args.push("--health-start-period", goDuration(h.startPeriodSeconds));
  if (h.retries !== undefined) args.push("--health-retries", String(h.retries));
  return args;
}

function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Go's duration as docker's flags read it; the shortest spelling that is exact to the millisecond. */
function goDuration(seconds: number): string {
  return Number.isInteger(seconds) ? `${seconds}s` : `${Math.round(seconds * 1000)}ms`;
}

/** The mount as `--tmpfs` or `--volume`, the source already the name docker knows. */
export function mountFlag(m: Mount, source: string | undefined): string[] {
  if (m.type === "tmpfs") {
    const options = [
      ...(m.size !== undefined ? [`size=${m.size}`] : []),
      ...(m.mode !== undefined ? [`mode=${m.mode.toString(8)}`] : []),
      ...(m.readOnly ? ["ro"] : []),
    ];
    return ["--tmpfs", options.length > 0 ? `${m.target}:${options.join(",")}` : m.target];
  }
  const options = [
    ...(m.readOnly ? ["ro"] : []),
    ...(m.type === "bind" ? [m.bind.propagation, m.bind.selinux].filter((o) => o !== undefined) : m.nocopy ? ["nocopy"] : []),
    ...(m.consistency ? [m.consistency] : []),
  ];
  return ["--volume", `${source}:${m.target}${options.length > 0 ? `:${options.join(",")}` : ""}`];
}

/** A `tmpfs:` entry: docker takes the path and the kernel's options as compose passes them. */
export function tmpfsFlag(entry: Service["tmpfs"][number]): string[] {
  return ["--tmpfs", entry.options.length > 0 ? `${entry.target}:${entry.options.join(",")}` : entry.target];
}

/** `docker network create` options, in the order of the compose keys they come from. */
export function networkCreateFlags(n: Network): DockerFlag[] {
  const ipam = n.ipam;
  return [
    ...text(n.driver, "--driver"),
    ...pairs(n.driverOpts, "--opt"),
    ...onlyIf(n.internal, "--internal"),
    ...onlyIf(n.attachable, "--attachable"),
    ...onlyIf(n.enableIpv6, "--ipv6"),
    ...(ipam
      ? [
          ...text(ipam.driver, "--ipam-driver"),
          ...pairs(ipam.options, "--ipam-opt"),
          ...ipam.config.flatMap((pool) => [
            ...text(pool.subnet, "--subnet"),
            ...text(pool.ipRange, "--ip-range"),
            ...text(pool.gateway, "--gateway"),
            ...pairs(pool.auxAddresses, "--aux-address"),
          ]),
        ]
      : []),
    ...pairs(n.labels, "--label"),
  ];
}

/** `docker volume create` options. */
export function volumeCreateFlags(v: NamedVolume): DockerFlag[] {
  return [...text(v.driver, "--driver"), ...pairs(v.driverOpts, "--opt"), ...pairs(v.labels, "--label")];
}

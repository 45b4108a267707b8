import { stringify } from "yaml";
import type {
  BlockIo,
  ContainerSettings,
  DeviceRequest,
  Healthcheck,
  LifecycleHook,
  Located,
  Mount,
  NamedVolume,
  NamespaceMode,
  Network,
  NetworkMode,
  Project,
  ProvidedFile,
  RestartPolicy,
  Service,
  Setting,
} from "../model/project.js";

/**
 * The loaded project as compose YAML, like `docker compose config`: every
 * key under its compose name, in the long form compose2units normalized it
 * to, durations in Go's spelling, and `$` written `$$` so that the output
 * loads back as the same project (and compiles to the same units). Reads
 * only the model.
 *
 * Lists keep the model's order (environment and labels too), since that is
 * the order the units use. `depends_on` lists what the file declares; the
 * dependencies links, volumes_from and `service:` namespaces imply follow
 * from those keys, printed too. Secrets are printed as where their content
 * comes from (a file, a variable), never as the content.
 */
export function projectToYaml(project: Project): string {
  const doc: Record<string, unknown> = { name: project.name };
  const services: Record<string, unknown> = {};
  for (const service of [...project.services].sort((a, b) => (a.name < b.name ? -1 : 1))) services[service.name] = serviceConfig(service);
  doc.services = services;
  if (project.networks.length > 0) {
    doc.networks = Object.fromEntries(project.networks.map((n) => [n.key, networkConfig(n)]));
  }
  if (project.volumes.length > 0) {
    doc.volumes = Object.fromEntries(project.volumes.map((v) => [v.key, volumeConfig(v)]));
  }
  for (const kind of ["secret", "config"] as const) {
    const declared = new Map<string, ProvidedFile>();
    for (const s of project.services) for (const f of s.files) if (f.kind === kind && !declared.has(f.name)) declared.set(f.name, f);
    if (declared.size > 0)
      doc[`${kind}s`] = Object.fromEntries([...declared].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, f]) => [name, providedSource(f)]));
  }
  // Host settings for the cloud-config, under the extension key they were given as.
  if (project.hostConfig) doc["x-cloud-config"] = project.hostConfig.value;
  // YAML 1.1 quoting, so that `no`, `on` and `0644` stay strings for every reader, docker-compose 1.x's included.
  return stringify(escapeDollars(doc), { version: "1.1", lineWidth: 0, aliasDuplicateObjects: false });
}

function serviceConfig(s: Service): Record<string, unknown> {
  const out: Record<string, unknown> = { container_name: s.containerName, image: s.image.ref.value };
  if (s.image.kind === "registry") out.pull_policy = s.image.pull;
  else out["x-compose2units"] = { image_archive: s.image.archive.value };
  if (s.entrypoint) out.entrypoint = [...s.entrypoint.value];
  if (s.command) out.command = [...s.command.value];
  if (s.environment.length) out.environment = Object.fromEntries(s.environment.map((e) => [e.name, e.value]));
  if (s.labels.length) out.labels = settingsConfig(s.labels);
  if (s.ports.length) {
    out.ports = s.ports.map((p) => ({
      target: numeric(p.target),
      ...(p.published !== undefined ? { published: p.published } : {}),
      ...(p.hostIp !== undefined ? { host_ip: p.hostIp } : {}),
      protocol: p.protocol,
    }));
  }
  if (s.expose.length) out.expose = s.expose.map((e) => e.value);
  if (s.mounts.length) out.volumes = s.mounts.map(mountConfig);
  if (s.tmpfs.length) out.tmpfs = s.tmpfs.map((t) => (t.options.length ? `${t.target}:${t.options.join(",")}` : t.target));
  if (s.volumesFrom.length)
    out.volumes_from = s.volumesFrom.map((v) => `${v.source.kind === "container" ? "container:" : ""}${v.source.name}${v.readOnly ? ":ro" : ""}`);
  if (s.links.length) out.links = s.links.map((l) => (l.alias === l.service ? l.service : `${l.service}:${l.alias}`));
  if (s.externalLinks.length) out.external_links = s.externalLinks.map((l) => (l.alias === l.container ? l.container : `${l.container}:${l.alias}`));
  const declared = s.dependsOn.filter((d) => d.origin === "depends_on");
  if (declared.length) {
    out.depends_on = Object.fromEntries(declared.map((d) => [d.service, { condition: d.condition, required: d.required, restart: d.restart }]));
  }
  if (s.networkMode) out.network_mode = networkMode(s.networkMode);
  if (s.ipc) out.ipc = namespace(s.ipc);
  if (s.pid) out.pid = namespace(s.pid);
  if (s.networks.length) {
    out.networks = Object.fromEntries(
      s.networks.map((n) => {
        const spec = {
          ...(n.aliases.length ? { aliases: [...n.aliases] } : {}),
          ...(n.ipv4Address ? { ipv4_address: n.ipv4Address } : {}),
          ...(n.ipv6Address ? { ipv6_address: n.ipv6Address } : {}),
          ...(n.linkLocalIps.length ? { link_local_ips: [...n.linkLocalIps] } : {}),
          ...(n.priority !== undefined ? { priority: n.priority } : {}),
        };
        return [n.network, Object.keys(spec).length ? spec : null];
      }),
    );
  }
  if (s.hostname) out.hostname = s.hostname.value;
  if (s.user) out.user = s.user.value;
  if (s.workingDir) out.working_dir = s.workingDir.value;
  out.restart = restart(s.restart);
  out.stop_grace_period = goDuration(s.stop.gracePeriodSeconds);
  if (s.stop.signal) out.stop_signal = s.stop.signal.value;
  if (s.healthcheck) out.healthcheck = healthcheck(s.healthcheck);
  if (s.postStart.length) out.post_start = s.postStart.map(hookConfig);
  if (s.preStop.length) out.pre_stop = s.preStop.map(hookConfig);
  for (const kind of ["secret", "config"] as const) {
    const files = s.files.filter((f) => f.kind === kind);
    if (files.length) {
      out[`${kind}s`] = files.map((f) => ({
        source: f.name,
        target: f.target,
        ...(f.uid ? { uid: f.uid } : {}),
        ...(f.gid ? { gid: f.gid } : {}),
        mode: `0${f.mode.toString(8)}`,
      }));
    }
  }
  Object.assign(out, containerConfig(s.container));
  return out;
}

/** The container settings under their compose keys. */
function containerConfig(c: ContainerSettings): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const put = (key: string, v: Located<unknown> | undefined, as: (x: never) => unknown = (x) => x) => {
    if (v) out[key] = as(v.value as never);
  };
  const list = (key: string, l: readonly Located<string>[]) => {
    if (l.length) out[key] = l.map((v) => v.value);
  };
  put("privileged", c.privileged);
  put("read_only", c.readOnly);
  put("init", c.init);
  put("tty", c.tty);
  put("stdin_open", c.stdinOpen);
  put("oom_kill_disable", c.oomKillDisable);
  list("cap_add", c.capAdd);
  list("cap_drop", c.capDrop);
  list("dns", c.dns);
  list("dns_search", c.dnsSearch);
  list("dns_opt", c.dnsOpt);
  list("security_opt", c.securityOpt);
  list("group_add", c.groupAdd);
  list("device_cgroup_rules", c.deviceCgroupRules);
  // The short form: a device without a target stays one, which the long form cannot say.
  if (c.devices.length) out.devices = c.devices.map((d) => [d.source, d.target, d.permissions].filter((p) => p !== undefined).join(":"));
  if (c.extraHosts.length) out.extra_hosts = c.extraHosts.map((h) => `${h.host}=${h.ip}`);
  if (c.sysctls.length) out.sysctls = settingsConfig(c.sysctls);
  if (c.storageOpt.length) out.storage_opt = settingsConfig(c.storageOpt);
  if (c.ulimits.length)
    out.ulimits = Object.fromEntries(c.ulimits.map((u) => [u.name, u.hard === undefined ? numeric(u.soft) : { soft: numeric(u.soft), hard: numeric(u.hard) }]));
  if (c.logging)
    out.logging = {
      ...(c.logging.driver ? { driver: c.logging.driver.value } : {}),
      ...(c.logging.options.length ? { options: settingsConfig(c.logging.options) } : {}),
    };
  if (c.gpus) out.gpus = c.gpus.kind === "all" ? "all" : c.gpus.requests.map(deviceRequestConfig);
  const r = c.resources;
  const size = (v: string) => numeric(v);
  put("shm_size", r.shmSize, size);
  put("mem_limit", r.memLimit, size);
  put("memswap_limit", r.memswapLimit, size);
  put("mem_reservation", r.memReservation, size);
  put("mem_swappiness", r.memSwappiness, size);
  put("cpus", r.cpus, size);
  put("cpu_shares", r.cpuShares, size);
  put("cpu_quota", r.cpuQuota, size);
  put("cpu_period", r.cpuPeriod, size);
  put("cpu_rt_runtime", r.cpuRtRuntime, size);
  put("cpu_rt_period", r.cpuRtPeriod, size);
  put("cpuset", r.cpuset);
  put("pids_limit", r.pidsLimit, size);
  put("oom_score_adj", r.oomScoreAdj, size);
  put("userns_mode", c.usernsMode);
  put("uts", c.uts);
  put("cgroup", c.cgroup);
  put("cgroup_parent", c.cgroupParent);
  put("platform", c.platform);
  put("runtime", c.runtime);
  put("domainname", c.domainname);
  put("mac_address", c.macAddress);
  if (c.blkio) out.blkio_config = blkioConfig(c.blkio);
  if (c.deploy) {
    const { limits, reservations } = c.deploy;
    const lim = {
      ...(limits.cpus ? { cpus: numeric(limits.cpus.value) } : {}),
      ...(limits.memory ? { memory: numeric(limits.memory.value) } : {}),
      ...(limits.pids ? { pids: numeric(limits.pids.value) } : {}),
    };
    const res = {
      ...(reservations.memory ? { memory: numeric(reservations.memory.value) } : {}),
      ...(reservations.devices.length ? { devices: reservations.devices.map(deviceRequestConfig) } : {}),
    };
    const resources = { ...(Object.keys(lim).length ? { limits: lim } : {}), ...(Object.keys(res).length ? { reservations: res } : {}) };
    out.deploy = Object.keys(resources).length ? { resources } : {};
  }
  return out;
}

function deviceRequestConfig(r: DeviceRequest): Record<string, unknown> {
  return {
    ...(r.driver ? { driver: r.driver } : {}),
    ...(r.count ? { count: numeric(r.count) } : {}),
    ...(r.deviceIds ? { device_ids: [...r.deviceIds] } : {}),
    ...(r.capabilities ? { capabilities: [...r.capabilities] } : {}),
  };
}

function blkioConfig(b: BlockIo): Record<string, unknown> {
  const rates = (list: BlockIo["weightDevice"], field: "weight" | "rate") => list.map((d) => ({ path: d.path, [field]: numeric(d.value) }));
  return {
    ...(b.weight ? { weight: numeric(b.weight.value) } : {}),
    ...(b.weightDevice.length ? { weight_device: rates(b.weightDevice, "weight") } : {}),
    ...(b.deviceReadBps.length ? { device_read_bps: rates(b.deviceReadBps, "rate") } : {}),
    ...(b.deviceWriteBps.length ? { device_write_bps: rates(b.deviceWriteBps, "rate") } : {}),
    ...(b.deviceReadIops.length ? { device_read_iops: rates(b.deviceReadIops, "rate") } : {}),
    ...(b.deviceWriteIops.length ? { device_write_iops: rates(b.deviceWriteIops, "rate") } : {}),
  };
}

/** A mapping when every name is given once, else `NAME=VALUE` entries, which keep repeats. */
function settingsConfig(list: readonly Setting[]): Record<string, string> | string[] {
  const names = new Set(list.map((s) => s.name));
  return names.size === list.length ? Object.fromEntries(list.map((s) => [s.name, s.value])) : list.map((s) => `${s.name}=${s.value}`);
}

function networkConfig(n: Network): Record<string, unknown> {
  const ipam = n.ipam;
  return {
    name: n.dockerName,
    ...(n.external ? { external: true } : {}),
    ...(n.driver ? { driver: n.driver.value } : {}),
    ...(n.driverOpts.length ? { driver_opts: settingsConfig(n.driverOpts) } : {}),
    ...(n.internal ? { internal: true } : {}),
    ...(n.attachable ? { attachable: true } : {}),
    ...(n.enableIpv6 ? { enable_ipv6: true } : {}),
    ...(ipam
      ? {
          ipam: {
            ...(ipam.driver ? { driver: ipam.driver.value } : {}),
            ...(ipam.options.length ? { options: settingsConfig(ipam.options) } : {}),
            ...(ipam.config.length
              ? {
                  config: ipam.config.map((p) => ({
                    ...(p.subnet ? { subnet: p.subnet.value } : {}),
                    ...(p.ipRange ? { ip_range: p.ipRange.value } : {}),
                    ...(p.gateway ? { gateway: p.gateway.value } : {}),
                    ...(p.auxAddresses.length ? { aux_addresses: settingsConfig(p.auxAddresses) } : {}),
                  })),
                }
              : {}),
          },
        }
      : {}),
    ...(n.labels.length ? { labels: settingsConfig(n.labels) } : {}),
  };
}

function volumeConfig(v: NamedVolume): Record<string, unknown> {
  return {
    name: v.dockerName,
    ...(v.external ? { external: true } : {}),
    ...(v.driver ? { driver: v.driver.value } : {}),
    ...(v.driverOpts.length ? { driver_opts: settingsConfig(v.driverOpts) } : {}),
    ...(v.labels.length ? { labels: settingsConfig(v.labels) } : {}),
  };
}

/** Where a secret's or config's content comes from; inline content only for configs, which the compose file already shows. */
function providedSource(f: ProvidedFile): Record<string, unknown> {
  switch (f.source.kind) {
    case "file":
      return { file: f.source.path };
    case "environment":
      return { environment: f.source.variable };
    case "content":
      return f.kind === "config" ? { content: f.content } : {};
  }
}

function hookConfig(h: LifecycleHook): Record<string, unknown> {
  return {
    command: [...h.command.value],
    ...(h.user ? { user: h.user.value } : {}),
    ...(h.privileged ? { privileged: true } : {}),
    ...(h.workingDir ? { working_dir: h.workingDir.value } : {}),
    ...(h.environment.length ? { environment: Object.fromEntries(h.environment.map((e) => [e.name, e.value])) } : {}),
  };
}

/** A number when YAML would write it back as the same text, so schemas that want numbers get them. */
function numeric(text: string): string | number {
  const n = Number(text);
  return /^-?\d+(\.\d+)?$/.test(text) && Number.isFinite(n) && String(n) === text && (Number.isSafeInteger(n) || !Number.isInteger(n)) ? n : text;
}

function mountConfig(m: Mount): Record<string, unknown> {
  const out: Record<string, unknown> = { type: m.type === "anonymous" ? "volume" : m.type };
  if (m.type === "bind") out.source = m.source;
  if (m.type === "volume") out.source = m.volume;
  out.target = m.target;
  if (m.readOnly) out.read_only = true;
  if (m.type === "bind" && (m.bind.propagation || m.bind.selinux)) out.bind = { ...m.bind };
  if ((m.type === "volume" || m.type === "anonymous") && m.nocopy) out.volume = { nocopy: true };
  if (m.type === "tmpfs" && (m.size !== undefined || m.mode !== undefined))
    out.tmpfs = { ...(m.size !== undefined ? { size: numeric(m.size) } : {}), ...(m.mode !== undefined ? { mode: m.mode } : {}) };
  if (m.type !== "tmpfs" && m.consistency) out.consistency = m.consistency;
  return out;
}

function networkMode(mode: NetworkMode): string {
  if (mode.kind === "service") return `service:${mode.service}`;
  if (mode.kind === "container") return `container:${mode.container}`;
  return mode.kind;
}

function namespace(mode: NamespaceMode): string {
  return mode.kind === "service" ? `service:${mode.service}` : mode.value;
}

function restart(policy: RestartPolicy): string {
  return policy.mode === "on-failure" && policy.maxRetries !== undefined ? `on-failure:${policy.maxRetries}` : policy.mode;
}

function healthcheck(h: Healthcheck): Record<string, unknown> {
  if (h.kind === "disabled") return { disable: true };
  return {
    ...(h.kind === "shell" ? { test: ["CMD-SHELL", h.command] } : h.kind === "exec" ? { test: ["CMD", ...h.argv] } : {}),
    ...(h.intervalSeconds !== undefined ? { interval: goDuration(h.intervalSeconds) } : {}),
    ...(h.timeoutSeconds !== undefined ? { timeout: goDuration(h.timeoutSeconds) } : {}),
    ...(h.startPeriodSeconds !== undefined ? { start_period: goDuration(h.startPeriodSeconds) } : {}),
    ...(h.retries !== undefined ? { retries: h.retries } : {}),
  };
}

/** Seconds in Go's duration spelling, as compose prints them: `1m30s`, `500ms`, `1h0m0s`. */
export function goDuration(seconds: number): string {
  if (seconds === 0) return "0s";
  if (seconds < 1) return `${trim(seconds * 1000)}ms`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds - h * 3600) / 60);
  const s = seconds - h * 3600 - m * 60;
  return `${h ? `${h}h` : ""}${h || m ? `${m}m` : ""}${trim(s)}s`;
}

function trim(n: number): string {
  return String(Math.round(n * 1e6) / 1e6);
}

function escapeDollars(v: unknown): unknown {
  if (typeof v === "string") return v.replace(/\$/g, "$$$$");
  if (Array.isArray(v)) return v.map(escapeDollars);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, escapeDollars(x)]));
  return v;
}

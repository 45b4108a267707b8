import type { DiagnosticCode } from "../../diagnostics.js";
import type {
  BlockIo,
  ContainerSettings,
  DeployResources,
  Device,
  DeviceRate,
  DeviceRequest,
  ExtraHost,
  Gpus,
  Located,
  Logging,
  Resources,
  Setting,
  Ulimit,
} from "../../model/project.js";
import { asBoolean, isMapping, keyValueEntries, scalarText, type Node } from "./context.js";
import { byteCount, integerProblem, INT64_MAX, INT64_MIN, isByteSize, rangeText } from "./units-of-measure.js";

/**
 * The service keys that configure the container itself, checked and put
 * in long form. Keys with more structure (ports, volumes, networks...) have
 * modules of their own; how docker spells each of these is emit's business.
 */
export const CONTAINER_KEYS = new Set([
  "privileged",
  "read_only",
  "init",
  "tty",
  "stdin_open",
  "oom_kill_disable",
  "cap_add",
  "cap_drop",
  "dns",
  "dns_search",
  "dns_opt",
  "security_opt",
  "group_add",
  "device_cgroup_rules",
  "devices",
  "extra_hosts",
  "sysctls",
  "storage_opt",
  "ulimits",
  "logging",
  "gpus",
  "shm_size",
  "mem_limit",
  "memswap_limit",
  "mem_reservation",
  "mem_swappiness",
  "cpus",
  "cpu_shares",
  "cpu_quota",
  "cpu_period",
  "cpu_rt_runtime",
  "cpu_rt_period",
  "cpuset",
  "pids_limit",
  "oom_score_adj",
  "userns_mode",
  "uts",
  "cgroup",
  "cgroup_parent",
  "platform",
  "runtime",
  "domainname",
  "mac_address",
  "blkio_config",
]);

export function normalizeContainerSettings(service: Node, name: string): ContainerSettings {
  const has = (key: string) => service.has(key);
  const text = (key: string) => (has(key) ? textValue(service, key) : undefined);
  const settings: ContainerSettings = {
    ...optional("privileged", has("privileged") ? switchValue(service, "privileged") : undefined),
    ...optional("readOnly", has("read_only") ? switchValue(service, "read_only") : undefined),
    ...optional("init", has("init") ? switchValue(service, "init") : undefined),
    ...optional("tty", has("tty") ? switchValue(service, "tty") : undefined),
    ...optional("stdinOpen", has("stdin_open") ? switchValue(service, "stdin_open") : undefined),
    ...optional("oomKillDisable", has("oom_kill_disable") ? switchValue(service, "oom_kill_disable") : undefined),
    capAdd: textList(service, "cap_add"),
    capDrop: textList(service, "cap_drop"),
    dns: textList(service, "dns"),
    dnsSearch: textList(service, "dns_search"),
    dnsOpt: textList(service, "dns_opt"),
    securityOpt: textList(service, "security_opt"),
    groupAdd: textList(service, "group_add"),
    deviceCgroupRules: textList(service, "device_cgroup_rules"),
    devices: has("devices") ? devices(service, "devices") : [],
    extraHosts: has("extra_hosts") ? extraHosts(service, "extra_hosts") : [],
    sysctls: has("sysctls") ? settingsOf(service, "sysctls") : [],
    storageOpt: has("storage_opt") ? settingsOf(service, "storage_opt") : [],
    ulimits: has("ulimits") ? ulimits(service, "ulimits") : [],
    ...optional("logging", has("logging") ? logging(service, "logging") : undefined),
    ...optional("gpus", has("gpus") ? gpus(service, "gpus") : undefined),
    resources: resources(service),
    ...optional("usernsMode", text("userns_mode")),
    ...optional("uts", text("uts")),
    ...optional("cgroup", text("cgroup")),
    ...optional("cgroupParent", text("cgroup_parent")),
    ...optional("platform", text("platform")),
    ...optional("runtime", text("runtime")),
    ...optional("domainname", text("domainname")),
    ...optional("macAddress", text("mac_address")),
    ...optional("blkio", has("blkio_config") ? blkio(service, "blkio_config") : undefined),
    ...optional("deploy", deployResources(service, name)),
  };
  return settings;
}

/** `{key: value}` when there is a value, `{}` when not: absent fields stay absent. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * Why a value's text is refused, as the code a tool would filter on ("abc"
 * for a number is another mistake than 2^64); undefined when it is fine.
 */
type Check = (text: string) => DiagnosticCode | undefined;

function invalid<T>(node: Node, key: string, code: DiagnosticCode, why: string): T | undefined {
  node.report(code, `${key} ${why}`, key);
  return undefined;
}

function switchValue(node: Node, key: string): Located<boolean> | undefined {
  const on = asBoolean(node.get(key));
  return on === undefined ? invalid(node, key, "invalid-value", "must be true or false") : { value: on, at: node.at(key) };
}

function textValue(node: Node, key: string, check?: Check, expected?: string): Located<string> | undefined {
  const text = scalarText(node.get(key));
  const problem = text === undefined ? "invalid-value" : check?.(text);
  if (problem !== undefined) return invalid(node, key, problem, expected ?? "must be a string");
  return { value: text!, at: node.at(key) };
}

/** A list of strings, or one string standing for a list of one (`dns: 8.8.8.8`). */
function textList(node: Node, key: string): Located<string>[] {
  if (!node.has(key)) return [];
  const raw = node.get(key);
  const items = Array.isArray(raw) ? raw.map((v, i) => [v, i] as const) : [[raw, undefined] as const];
  return items.flatMap(([v, i]) => {
    const text = scalarText(v);
    return text === undefined ? [] : [{ value: text, at: i === undefined ? node.at(key) : node.at(key, i) }];
  });
}

/** `NAME=VALUE` list entries or a mapping; every name needs a value. */
function settingsOf(node: Node, key: string): Setting[] {
  return keyValueEntries(node, key).flatMap((e) => {
    if (e.value === undefined) {
      node.report("invalid-value", `"${e.name}" needs a value`, ...e.path);
      return [];
    }
    return [{ name: e.name, value: e.value, at: node.at(...e.path) }];
  });
}

/** `extra_hosts` as a list of `host:ip` / `host=ip`, or a mapping host → ip (IPv6 allowed: `h:::1`). */
function extraHosts(service: Node, key: string): ExtraHost[] {
  const raw = service.get(key);
  const entries: ExtraHost[] = [];
  if (Array.isArray(raw)) {
    raw.forEach((v, i) => {
      const text = scalarText(v) ?? "";
      const sep = /[:=]/.exec(text);
      if (!sep) return void service.report("invalid-address", `extra host "${text}" must be HOST:IP or HOST=IP`, key, i);
      entries.push({ host: text.slice(0, sep.index), ip: text.slice(sep.index + 1), at: service.at(key, i) });
    });
  } else {
    for (const e of keyValueEntries(service, key)) entries.push({ host: e.name, ip: e.value ?? "", at: service.at(...e.path) });
  }
  return entries.filter((e) => {
    if (e.host && /^[0-9A-Fa-f.:]+$/.test(e.ip)) return true;
    service.ctx.diagnostics.error("invalid-address", `extra host "${e.host}" needs an IP address, not "${e.ip}"`, e.at);
    return false;
  });
}

const int64Problem: Check = (t) => integerProblem(t, INT64_MIN, INT64_MAX);
/** docker stores CPUs as an int64 count of billionths. */
const MAX_CPUS = Number(INT64_MAX / 1_000_000_000n);
const cpusProblem: Check = (t) => (!/^\d+(\.\d+)?$/.test(t.trim()) ? "invalid-number" : Number(t) <= MAX_CPUS ? undefined : "out-of-range");
/** docker counts sizes in an int64 of bytes. */
const sizeProblem: Check = (t) => (!isByteSize(t) ? "invalid-size" : byteCount(t) <= Number(INT64_MAX) ? undefined : "out-of-range");
const SIZE_EXPECTED = `must be a size such as 512m or 1g, at most ${INT64_MAX} bytes`;

/** A whole number docker parses into an int64 (or a narrower range it checks itself); a longer one fails only on the host. */
const wholeNumber = (node: Node, key: string, min = INT64_MIN, max = INT64_MAX) =>
  node.has(key) ? textValue(node, key, (t) => integerProblem(t, min, max), `must be a whole number from ${rangeText(min, max)}`) : undefined;
const size = (node: Node, key: string, allowMinusOne = false) =>
  node.has(key) ? textValue(node, key, (t) => (allowMinusOne && t.trim() === "-1" ? undefined : sizeProblem(t)), SIZE_EXPECTED) : undefined;
const cpus = (node: Node, key: string) => (node.has(key) ? textValue(node, key, cpusProblem, `must be a number from 0 to ${MAX_CPUS}`) : undefined);

function resources(service: Node): Resources {
  const text = (key: string) => (service.has(key) ? textValue(service, key) : undefined);
  return {
    ...optional("shmSize", size(service, "shm_size")),
    ...optional("memLimit", size(service, "mem_limit")),
    ...optional("memswapLimit", size(service, "memswap_limit", true)),
    ...optional("memReservation", size(service, "mem_reservation")),
    // docker refuses other values itself, at create time: -1 leaves the kernel's default.
    ...optional(
      "memSwappiness",
      service.has("mem_swappiness")
        ? textValue(service, "mem_swappiness", (t) => integerProblem(t, -1n, 100n), "must be a whole number from 0 to 100 (or -1)")
        : undefined,
    ),
    ...optional("cpus", cpus(service, "cpus")),
    ...optional("cpuShares", wholeNumber(service, "cpu_shares")),
    ...optional("cpuQuota", wholeNumber(service, "cpu_quota")),
    ...optional("cpuPeriod", wholeNumber(service, "cpu_period")),
    ...optional("cpuRtRuntime", wholeNumber(service, "cpu_rt_runtime")),
    ...optional("cpuRtPeriod", wholeNumber(service, "cpu_rt_period")),
    ...optional("cpuset", text("cpuset")),
    ...optional("pidsLimit", wholeNumber(service, "pids_limit")),
    // The kernel's range, which docker checks at create time.
    ...optional("oomScoreAdj", wholeNumber(service, "oom_score_adj", -1000n, 1000n)),
  };
}

function ulimits(service: Node, key: string): Ulimit[] {
  const node = service.child(key);
  if (!node) return [];
  const out: Ulimit[] = [];
  for (const [name, v] of Object.entries(node.value)) {
    if (isMapping(v)) {
      const soft = scalarText(v.soft);
      const hard = scalarText(v.hard);
      const problem = soft === undefined || hard === undefined ? "invalid-number" : (int64Problem(soft) ?? int64Problem(hard));
      if (problem === undefined) out.push({ name, soft: soft!, hard: hard!, at: node.at(name) });
      else node.report(problem, `ulimit ${name} needs whole-number soft and hard limits from ${rangeText(INT64_MIN, INT64_MAX)}`, name);
    } else {
      const limit = scalarText(v);
      const problem = limit === undefined ? "invalid-number" : int64Problem(limit);
      if (problem === undefined) out.push({ name, soft: limit!, at: node.at(name) });
      else node.report(problem, `ulimit ${name} must be a whole number from ${rangeText(INT64_MIN, INT64_MAX)}`, name);
    }
  }
  return out;
}

function logging(service: Node, key: string): Logging | undefined {
  const node = service.child(key);
  if (!node) return undefined;
  const driver = scalarText(node.get("driver"));
  const options = keyValueEntries(node, "options").flatMap((e) => (e.value === undefined ? [] : [{ name: e.name, value: e.value, at: node.at(...e.path) }]));
  return { ...(driver ? { driver: { value: driver, at: node.at("driver") } } : {}), options, at: node.at() };
}

/** `SOURCE[:TARGET[:PERMISSIONS]]` or the long form; a mapping without a target mounts the device at its own path. */
function devices(service: Node, key: string): Device[] {
  const raw = service.get(key);
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((v, i): Device[] => {
    const at = service.at(key, i);
    if (isMapping(v)) {
      const source = scalarText(v.source);
      const target = scalarText(v.target) ?? source;
      const permissions = scalarText(v.permissions);
      if (!source) return invalid(service, key, "missing-key", "entries need a source") ?? [];
      return [{ source, ...(target ? { target } : {}), ...(permissions ? { permissions } : {}), at }];
    }
    const text = scalarText(v);
    if (text === undefined) return [];
    const parts = text.split(":");
    if (parts.length > 3 || parts.some((p) => p === "")) {
      service.report("invalid-value", `device "${text}" must be SOURCE[:TARGET[:PERMISSIONS]]`, key, i);
      return [];
    }
    const [source, target, permissions] = parts as [string, string?, string?];
    return [{ source, ...(target !== undefined ? { target } : {}), ...(permissions !== undefined ? { permissions } : {}), at }];
  });
}

function gpus(service: Node, key: string): Gpus | undefined {
  const raw = service.get(key);
  const at = service.at(key);
  if (raw === "all") return { kind: "all", at };
  if (!Array.isArray(raw)) return invalid(service, key, "invalid-value", 'must be "all" or a list of device requests');
  const requests = raw.flatMap((_, i) => {
    const node = service.descend(key, i);
    return node ? [deviceRequest(node)] : [];
  });
  return { kind: "requests", requests, at };
}

function deviceRequest(node: Node): DeviceRequest {
  const count = scalarText(node.get("count"));
  const ids = node.get("device_ids");
  const caps = node.get("capabilities");
  const driver = scalarText(node.get("driver"));
  return {
    ...(count ? { count } : {}),
    ...(Array.isArray(ids) ? { deviceIds: ids.map((d) => scalarText(d) ?? "") } : {}),
    ...(Array.isArray(caps) ? { capabilities: caps.map((c) => scalarText(c) ?? "") } : {}),
    ...(driver ? { driver } : {}),
    at: node.at(),
  };
}

/** Docker takes a block IO weight from 10 to 1000, or 0 for the kernel's default. */
const blkioWeightProblem: Check = (t) =>
  !/^\d+$/.test(t) ? "invalid-number" : Number(t) === 0 || (Number(t) >= 10 && Number(t) <= 1000) ? undefined : "out-of-range";
const WEIGHT_EXPECTED = "must be a whole number from 10 to 1000 (or 0)";
const BPS_EXPECTED = "must be bytes per second such as 12mb or 1048576";
const IOPS_EXPECTED = `must be a whole number of operations per second, at most ${INT64_MAX}`;
const iopsProblem: Check = (t) => integerProblem(t, 0n, INT64_MAX);

/** `blkio_config`: the service's block IO weight and per-device weights and limits. */
function blkio(service: Node, key: string): BlockIo | undefined {
  const node = service.child(key);
  if (!node) return undefined;
  let weight: Located<string> | undefined;
  const weightText = scalarText(node.get("weight"));
  if (weightText !== undefined) {
    const problem = blkioWeightProblem(weightText);
    if (problem === undefined) weight = { value: weightText, at: node.at("weight") };
    else node.report(problem, `weight ${WEIGHT_EXPECTED}, not "${weightText}"`, "weight");
  }
  const perDevice = (list: string, field: "weight" | "rate", check: Check, expected: string): DeviceRate[] => {
    const raw = node.get(list);
    if (!Array.isArray(raw)) return [];
    return raw.flatMap((_, i): DeviceRate[] => {
      const entry = node.descend(list, i);
      const path = scalarText(entry?.get("path"));
      const value = scalarText(entry?.get(field));
      if (!entry || path === undefined || value === undefined) return []; // the schema requires both
      if (!path.startsWith("/dev/")) {
        entry.report("invalid-path", `device path "${path}" must be a device under /dev`, "path");
        return [];
      }
      const problem = check(value);
      if (problem !== undefined) {
        entry.report(problem, `${field} ${expected}, not "${value}"`, field);
        return [];
      }
      return [{ path, value, at: node.at(list, i) }];
    });
  };
  return {
    ...(weight ? { weight } : {}),
    weightDevice: perDevice("weight_device", "weight", blkioWeightProblem, WEIGHT_EXPECTED),
    deviceReadBps: perDevice("device_read_bps", "rate", sizeProblem, BPS_EXPECTED),
    deviceWriteBps: perDevice("device_write_bps", "rate", sizeProblem, BPS_EXPECTED),
    deviceReadIops: perDevice("device_read_iops", "rate", iopsProblem, IOPS_EXPECTED),
    deviceWriteIops: perDevice("device_write_iops", "rate", iopsProblem, IOPS_EXPECTED),
    at: node.at(),
  };
}

/** `deploy:` is swarm's; its resource limits and GPU reservations mean something for one container. */
function deployResources(service: Node, name: string): DeployResources | undefined {
  const deploy = service.child("deploy");
  if (!deploy) return undefined;
  for (const key of Object.keys(deploy.value)) {
    if (key === "resources" || key === "replicas" || key.startsWith("x-")) continue;
    service.ctx.diagnostics.error("unsupported-key", `deploy.${key} is a swarm setting with no meaning for one container; remove it`, deploy.keyAt(key));
  }
  const replicas = deploy.get("replicas");
  if (replicas !== undefined && replicas !== 1 && replicas !== "1") {
    deploy.report(
      "unsupported-value",
      `service "${name}": deploy.replicas other than 1 is not supported: each service runs one container under one unit`,
      "replicas",
    );
  }
  const limits = deploy.descend("resources", "limits");
  const reservations = deploy.descend("resources", "reservations");
  // Checked as the service keys they stand for (cpus, mem_limit...) are, ranges included.
  const deviceRequests: DeviceRequest[] = [];
  const devicesRaw = reservations?.get("devices");
  if (reservations && Array.isArray(devicesRaw)) {
    devicesRaw.forEach((_, i) => {
      const request = reservations.descend("devices", i);
      if (!request) return;
      const capabilities = request.get("capabilities");
      // docker run can reserve GPUs only (--gpus); compose sends any other capability to the engine's device drivers.
      if (Array.isArray(capabilities) && capabilities.some((c) => scalarText(c) === "gpu")) deviceRequests.push(deviceRequest(request));
      else
        request.ctx.diagnostics.error(
          "unsupported-key",
          "docker run can reserve only GPU devices (capabilities: [gpu], as --gpus); other device capabilities have no flag",
          request.keyAt("capabilities"),
        );
    });
  }
  if (reservations?.has("cpus"))
    service.ctx.diagnostics.error("unsupported-key", "deploy.resources.reservations.cpus has no docker run equivalent", reservations.keyAt("cpus"));
  const limitCpus = limits && cpus(limits, "cpus");
  const limitMemory = limits && size(limits, "memory");
  const limitPids = limits && wholeNumber(limits, "pids");
  const reservedMemory = reservations && size(reservations, "memory");
  return {
    limits: { ...optional("cpus", limitCpus), ...optional("memory", limitMemory), ...optional("pids", limitPids) },
    reservations: { ...optional("memory", reservedMemory), devices: deviceRequests },
    at: deploy.at(),
  };
}

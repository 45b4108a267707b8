import type { RunFlag } from "../../model/project.js";
import { asBoolean, isMapping, keyValueEntries, scalarText, type Node } from "./context.js";
import { byteCount, integerWithin, INT64_MAX, INT64_MIN, isByteSize, rangeText } from "./units-of-measure.js";

/**
 * Service keys that map one-to-one onto `docker run` flags. Each rule reads
 * its key from the service and returns the flags, reporting bad values.
 * Keys with more structure (ports, volumes, networks...) have modules of their own.
 */
type FlagRule = (service: Node, key: string) => RunFlag[];

const switchFlag =
  (flag: string): FlagRule =>
  (service, key) => {
    const on = asBoolean(service.get(key));
    if (on === undefined) return invalid(service, key, "must be true or false");
    return on ? [{ argv: [flag], at: service.at(key) }] : [];
  };

const textFlag =
  (flag: string, check?: (text: string) => boolean, expected?: string): FlagRule =>
  (service, key) => {
    const text = scalarText(service.get(key));
    if (text === undefined || (check && !check(text))) return invalid(service, key, expected ?? "must be a string");
    return [{ argv: [flag, text], at: service.at(key) }];
  };

const listFlag =
  (flag: string): FlagRule =>
  (service, key) => {
    const raw = service.get(key);
    const items = Array.isArray(raw) ? raw.map((v, i) => [v, i] as const) : [[raw, undefined] as const];
    const out: RunFlag[] = [];
    for (const [v, i] of items) {
      const text = scalarText(v);
      const at = i === undefined ? service.at(key) : service.at(key, i);
      if (text === undefined) continue;
      out.push({ argv: [flag, text], at });
    }
    return out;
  };

const pairFlag =
  (flag: string, joiner: string): FlagRule =>
  (service, key) =>
    keyValueEntries(service, key).flatMap((e) => {
      if (e.value === undefined) {
        service.error(`"${e.name}" needs a value`, ...e.path);
        return [];
      }
      return [{ argv: [flag, `${e.name}${joiner}${e.value}`], at: service.at(...e.path) }];
    });

/** `extra_hosts` as a list of `host:ip` / `host=ip`, or a mapping host → ip (IPv6 allowed: `h:::1`). */
const extraHosts: FlagRule = (service, key) => {
  const raw = service.get(key);
  const entries: { host: string; ip: string; at: ReturnType<Node["at"]> }[] = [];
  if (Array.isArray(raw)) {
    raw.forEach((v, i) => {
      const text = scalarText(v) ?? "";
      const sep = /[:=]/.exec(text);
      if (!sep) return void service.error(`extra host "${text}" must be HOST:IP or HOST=IP`, key, i);
      entries.push({ host: text.slice(0, sep.index), ip: text.slice(sep.index + 1), at: service.at(key, i) });
    });
  } else {
    for (const e of keyValueEntries(service, key)) entries.push({ host: e.name, ip: e.value ?? "", at: service.at(...e.path) });
  }
  return entries.flatMap((e) => {
    if (!e.host || !/^[0-9A-Fa-f.:]+$/.test(e.ip)) {
      service.ctx.diagnostics.error("invalid-value", `extra host "${e.host}" needs an IP address, not "${e.ip}"`, e.at);
      return [];
    }
    return [{ argv: ["--add-host", `${e.host}:${e.ip}`], at: e.at }];
  });
};

/** A whole number docker parses into an int64 (or a narrower range it checks itself); a longer one fails only on the host. */
const intFlag = (flag: string, min = INT64_MIN, max = INT64_MAX) =>
  textFlag(flag, (t) => integerWithin(t, min, max), `must be a whole number from ${rangeText(min, max)}`);
const isInt64 = (t: string) => integerWithin(t, INT64_MIN, INT64_MAX);
/** docker stores CPUs as an int64 count of billionths. */
const MAX_CPUS = Number(INT64_MAX / 1_000_000_000n);
const isCpus = (t: string) => /^\d+(\.\d+)?$/.test(t.trim()) && Number(t) <= MAX_CPUS;
/** docker counts sizes in an int64 of bytes. */
const isSize = (t: string) => isByteSize(t) && byteCount(t) <= Number(INT64_MAX);
const sizeFlag = (flag: string, allowMinusOne = false) =>
  textFlag(flag, (t) => isSize(t) || (allowMinusOne && t.trim() === "-1"), `must be a size such as 512m or 1g, at most ${INT64_MAX} bytes`);

function invalid(service: Node, key: string, why: string): RunFlag[] {
  service.error(`${key} ${why}`, key);
  return [];
}

const ulimits: FlagRule = (service, key) => {
  const node = service.child(key);
  if (!node) return [];
  const out: RunFlag[] = [];
  for (const [name, v] of Object.entries(node.value)) {
    if (isMapping(v)) {
      const soft = scalarText(v.soft);
      const hard = scalarText(v.hard);
      if (soft === undefined || hard === undefined || !isInt64(soft) || !isInt64(hard)) {
        node.error(`ulimit ${name} needs whole-number soft and hard limits from ${rangeText(INT64_MIN, INT64_MAX)}`, name);
        continue;
      }
      out.push({ argv: ["--ulimit", `${name}=${soft}:${hard}`], at: node.at(name) });
    } else {
      const limit = scalarText(v);
      if (limit === undefined || !isInt64(limit)) {
        node.error(`ulimit ${name} must be a whole number from ${rangeText(INT64_MIN, INT64_MAX)}`, name);
        continue;
      }
      out.push({ argv: ["--ulimit", `${name}=${limit}`], at: node.at(name) });
    }
  }
  return out;
};

const logging: FlagRule = (service, key) => {
  const node = service.child(key);
  if (!node) return [];
  const out: RunFlag[] = [];
  const driver = scalarText(node.get("driver"));
  if (driver) out.push({ argv: ["--log-driver", driver], at: node.at("driver") });
  for (const e of keyValueEntries(node, "options")) {
    if (e.value !== undefined) out.push({ argv: ["--log-opt", `${e.name}=${e.value}`], at: node.at(...e.path) });
  }
  return out;
};

const devices: FlagRule = (service, key) => {
  const raw = service.get(key);
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((v, i): RunFlag[] => {
    if (isMapping(v)) {
      const source = scalarText(v.source);
      const target = scalarText(v.target) ?? source;
      const permissions = scalarText(v.permissions);
      if (!source) return invalid(service, key, "entries need a source");
      return [{ argv: ["--device", [source, target, permissions].filter(Boolean).join(":")], at: service.at(key, i) }];
    }
    const text = scalarText(v);
    return text === undefined ? [] : [{ argv: ["--device", text], at: service.at(key, i) }];
  });
};

const gpus: FlagRule = (service, key) => {
  const raw = service.get(key);
  if (raw === "all") return [{ argv: ["--gpus", "all"], at: service.at(key) }];
  if (!Array.isArray(raw)) return invalid(service, key, 'must be "all" or a list of device requests');
  return raw.flatMap((v, i): RunFlag[] => {
    const node = service.descend(key, i);
    return node ? [gpuRequest(node)] : [];
  });
};

/** One GPU device request (`gpus:` or `deploy.resources.reservations.devices`) as docker run's `--gpus`. */
export function gpuRequest(node: Node): RunFlag {
  const parts: string[] = [];
  const count = scalarText(node.get("count"));
  if (count) parts.push(`count=${count}`);
  const ids = node.get("device_ids");
  if (Array.isArray(ids)) parts.push(`"device=${ids.map((d) => scalarText(d)).join(",")}"`);
  const caps = node.get("capabilities");
  if (Array.isArray(caps)) parts.push(`"capabilities=${caps.map((c) => scalarText(c)).join(",")}"`);
  const driver = scalarText(node.get("driver"));
  if (driver) parts.push(`driver=${driver}`);
  return { argv: ["--gpus", parts.join(",") || "all"], at: node.at() };
}

/** Docker takes a block IO weight from 10 to 1000, or 0 for the kernel's default. */
const isWholeNumber = (t: string) => /^\d+$/.test(t);
const isBlkioWeight = (t: string) => isWholeNumber(t) && (Number(t) === 0 || (Number(t) >= 10 && Number(t) <= 1000));

/** `blkio_config`: the service's block IO weight and per-device weights and limits, as docker run's flags. */
const blkio: FlagRule = (service, key) => {
  const node = service.child(key);
  if (!node) return [];
  const out: RunFlag[] = [];
  const weight = scalarText(node.get("weight"));
  if (weight !== undefined) {
    if (isBlkioWeight(weight)) out.push({ argv: ["--blkio-weight", weight], at: node.at("weight") });
    else node.error(`weight must be a whole number from 10 to 1000 (or 0), not "${weight}"`, "weight");
  }
  const perDevice = (list: string, flag: string, field: "weight" | "rate", valid: (t: string) => boolean, expected: string) => {
    const raw = node.get(list);
    if (!Array.isArray(raw)) return;
    raw.forEach((_, i) => {
      const entry = node.descend(list, i);
      const path = scalarText(entry?.get("path"));
      const value = scalarText(entry?.get(field));
      if (!entry || path === undefined || value === undefined) return; // the schema requires both
      if (!path.startsWith("/dev/")) return void entry.error(`device path "${path}" must be a device under /dev`, "path");
      if (!valid(value)) return void entry.error(`${field} ${expected}, not "${value}"`, field);
      out.push({ argv: [flag, `${path}:${value}`], at: node.at(list, i) });
    });
  };
  perDevice("weight_device", "--blkio-weight-device", "weight", isBlkioWeight, "must be a whole number from 10 to 1000 (or 0)");
  const isIops = (t: string) => integerWithin(t, 0n, INT64_MAX);
  perDevice("device_read_bps", "--device-read-bps", "rate", isSize, "must be bytes per second such as 12mb or 1048576");
  perDevice("device_write_bps", "--device-write-bps", "rate", isSize, "must be bytes per second such as 12mb or 1048576");
  perDevice("device_read_iops", "--device-read-iops", "rate", isIops, `must be a whole number of operations per second, at most ${INT64_MAX}`);
  perDevice("device_write_iops", "--device-write-iops", "rate", isIops, `must be a whole number of operations per second, at most ${INT64_MAX}`);
  return out;
};

export const RUN_FLAG_RULES: Readonly<Record<string, FlagRule>> = {
  privileged: switchFlag("--privileged"),
  read_only: switchFlag("--read-only"),
  init: switchFlag("--init"),
  tty: switchFlag("--tty"),
  stdin_open: switchFlag("--interactive"),
  oom_kill_disable: switchFlag("--oom-kill-disable"),
  cap_add: listFlag("--cap-add"),
  cap_drop: listFlag("--cap-drop"),
  dns: listFlag("--dns"),
  dns_search: listFlag("--dns-search"),
  dns_opt: listFlag("--dns-option"),
  security_opt: listFlag("--security-opt"),
  group_add: listFlag("--group-add"),
  device_cgroup_rules: listFlag("--device-cgroup-rule"),
  devices,
  extra_hosts: extraHosts,
  sysctls: pairFlag("--sysctl", "="),
  storage_opt: pairFlag("--storage-opt", "="),
  ulimits,
  logging,
  gpus,
  shm_size: sizeFlag("--shm-size"),
  mem_limit: sizeFlag("--memory"),
  memswap_limit: sizeFlag("--memory-swap", true),
  mem_reservation: sizeFlag("--memory-reservation"),
  // docker refuses other values itself, at create time: -1 leaves the kernel's default.
  mem_swappiness: textFlag("--memory-swappiness", (t) => integerWithin(t, -1n, 100n), "must be a whole number from 0 to 100 (or -1)"),
  cpus: textFlag("--cpus", isCpus, `must be a number from 0 to ${MAX_CPUS}`),
  cpu_shares: intFlag("--cpu-shares"),
  cpu_quota: intFlag("--cpu-quota"),
  cpu_period: intFlag("--cpu-period"),
  cpu_rt_runtime: intFlag("--cpu-rt-runtime"),
  cpu_rt_period: intFlag("--cpu-rt-period"),
  cpuset: textFlag("--cpuset-cpus"),
  pids_limit: intFlag("--pids-limit"),
  // The kernel's range, which docker checks at create time.
  oom_score_adj: intFlag("--oom-score-adj", -1000n, 1000n),
  userns_mode: textFlag("--userns"),
  uts: textFlag("--uts"),
  cgroup: textFlag("--cgroupns"),
  cgroup_parent: textFlag("--cgroup-parent"),
  platform: textFlag("--platform"),
  runtime: textFlag("--runtime"),
  domainname: textFlag("--domainname"),
  mac_address: textFlag("--mac-address"),
  blkio_config: blkio,
};

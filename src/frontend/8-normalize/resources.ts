import type { IpamPool, Located, NamedVolume, Network, Setting } from "../../model/project.js";
import { asBoolean, isMapping, keyValueEntries, scalarText, type Node } from "./context.js";

/** Top-level `networks:`, plus the implicit `default` network compose creates for every project. */
export function normalizeNetworks(top: Node, used: ReadonlySet<string>): Network[] {
  const declared = top.child("networks");
  const out: Network[] = [];
  const keys = new Set(Object.keys(declared?.value ?? {}));
  if (used.has("default")) keys.add("default");
  for (const key of [...keys].sort()) {
    const spec = declared?.child(key);
    const at = declared && key in declared.value ? declared.keyAt(key) : top.at();
    if (!spec) {
      out.push({ key, dockerName: `${top.ctx.projectName}_${key}`, external: false, driverOpts: [], labels: [], at });
      continue;
    }
    const external = externalName(spec);
    const name = scalarText(spec.get("name"));
    if (external !== undefined) {
      rejectSettingsOfExternal(spec, "network", key);
      out.push({ key, dockerName: external || name || key, external: true, driverOpts: [], labels: [], at });
      continue;
    }
    if (spec.has("enable_ipv4"))
      spec.ctx.diagnostics.error("unsupported-key", "enable_ipv4 needs docker 28 or newer and is not supported", spec.keyAt("enable_ipv4"));
    const ipam = spec.child("ipam");
    const network: Network = {
      key,
      dockerName: name ?? `${top.ctx.projectName}_${key}`,
      external: false,
      ...located(spec, "driver"),
      driverOpts: settings(spec, "driver_opts"),
      ...switchOf(spec, "internal", "internal"),
      ...switchOf(spec, "attachable", "attachable"),
      ...switchOf(spec, "enable_ipv6", "enableIpv6"),
      ...(ipam ? { ipam: { ...located(ipam, "driver"), options: settings(ipam, "options"), config: ipamPools(ipam), at: ipam.at() } } : {}),
      labels: settings(spec, "labels"),
      at,
    };
    out.push(network);
  }
  return out;
}

/** Top-level `volumes:`. */
export function normalizeVolumes(top: Node): NamedVolume[] {
  const declared = top.child("volumes");
  if (!declared) return [];
  return Object.keys(declared.value)
    .sort()
    .map((key): NamedVolume => {
      const spec = declared.child(key);
      const at = declared.keyAt(key);
      if (!spec) return { key, dockerName: `${top.ctx.projectName}_${key}`, external: false, driverOpts: [], labels: [], at };
      const name = scalarText(spec.get("name"));
      const external = externalName(spec);
      if (external !== undefined) {
        rejectSettingsOfExternal(spec, "volume", key);
        return { key, dockerName: external || name || key, external: true, driverOpts: [], labels: [], at };
      }
      return {
        key,
        dockerName: name ?? `${top.ctx.projectName}_${key}`,
        external: false,
        ...located(spec, "driver"),
        driverOpts: settings(spec, "driver_opts"),
        labels: settings(spec, "labels"),
        at,
      };
    });
}

/** An external network or volume is docker's already: only its name may be given. */
function rejectSettingsOfExternal(spec: Node, kind: "network" | "volume", key: string): void {
  for (const k of Object.keys(spec.value)) {
    if (k !== "external" && k !== "name" && !k.startsWith("x-")) spec.report("conflicting-keys", `${kind} "${key}" is external; "${k}" cannot be set`, k);
  }
}

/** `external: true` → "" (use the key or name); legacy `external: {name: x}` → "x"; not external → undefined. */
function externalName(spec: Node): string | undefined {
  const ext = spec.get("external");
  if (isMapping(ext)) return scalarText(ext.name) ?? "";
  return asBoolean(ext) ? "" : undefined;
}

/** `{driver: {value, at}}` when the key has a non-empty text, `{}` when not. */
function located<K extends string>(spec: Node, key: K): { [P in K]?: Located<string> } {
  const text = scalarText(spec.get(key));
  return (text ? { [key]: { value: text, at: spec.at(key) } } : {}) as { [P in K]?: Located<string> };
}

/** A switch that is on; one that is off means the default and is left out, as `docker network create` has no flag to say so. */
function switchOf<K extends string>(spec: Node, key: string, field: K): { [P in K]?: Located<boolean> } {
  return (asBoolean(spec.get(key)) ? { [field]: { value: true, at: spec.at(key) } } : {}) as { [P in K]?: Located<boolean> };
}

/** `driver_opts`, `labels`, IPAM `options`: names with values, a bare name meaning an empty value. */
function settings(spec: Node, key: string): Setting[] {
  return keyValueEntries(spec, key).map((e) => ({ name: e.name, value: e.value ?? "", at: spec.at(...e.path) }));
}

function ipamPools(ipam: Node): IpamPool[] {
  const configs = ipam.get("config");
  if (!Array.isArray(configs)) return [];
  return configs.flatMap((c, i): IpamPool[] => {
    const pool = ipam.descend("config", i);
    if (!isMapping(c) || !pool) return [];
    return [
      { ...located(pool, "subnet"), ...locatedAs(pool, "ip_range", "ipRange"), ...located(pool, "gateway"), auxAddresses: settings(pool, "aux_addresses") },
    ];
  });
}

function locatedAs<K extends string>(spec: Node, key: string, field: K): { [P in K]?: Located<string> } {
  const text = scalarText(spec.get(key));
  return (text ? { [field]: { value: text, at: spec.at(key) } } : {}) as { [P in K]?: Located<string> };
}

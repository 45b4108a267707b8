import type { NamedVolume, Network, RunFlag } from "../../model/project.js";
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
      out.push({ key, dockerName: `${top.ctx.projectName}_${key}`, external: false, createArgs: [], at });
      continue;
    }
    const external = externalName(spec);
    const name = scalarText(spec.get("name"));
    if (external !== undefined) {
      rejectSettingsOfExternal(spec, "network", key);
      out.push({ key, dockerName: external || name || key, external: true, createArgs: [], at });
      continue;
    }
    const args: RunFlag[] = [];
    const driver = scalarText(spec.get("driver"));
    if (driver) args.push({ argv: ["--driver", driver], at: spec.at("driver") });
    for (const e of keyValueEntries(spec, "driver_opts")) args.push({ argv: ["--opt", `${e.name}=${e.value ?? ""}`], at: spec.at(...e.path) });
    if (asBoolean(spec.get("internal"))) args.push({ argv: ["--internal"], at: spec.at("internal") });
    if (asBoolean(spec.get("attachable"))) args.push({ argv: ["--attachable"], at: spec.at("attachable") });
    if (asBoolean(spec.get("enable_ipv6"))) args.push({ argv: ["--ipv6"], at: spec.at("enable_ipv6") });
    if (spec.has("enable_ipv4")) spec.ctx.diagnostics.error("unsupported-key", "enable_ipv4 needs docker 28 or newer and is not supported", spec.keyAt("enable_ipv4"));
    const ipam = spec.child("ipam");
    if (ipam) {
      const ipamDriver = scalarText(ipam.get("driver"));
      if (ipamDriver) args.push({ argv: ["--ipam-driver", ipamDriver], at: ipam.at("driver") });
      for (const e of keyValueEntries(ipam, "options")) args.push({ argv: ["--ipam-opt", `${e.name}=${e.value ?? ""}`], at: ipam.at(...e.path) });
      const configs = ipam.get("config");
      if (Array.isArray(configs)) {
        configs.forEach((c, i) => {
          if (!isMapping(c)) return;
          const subnet = scalarText(c.subnet);
          if (subnet) args.push({ argv: ["--subnet", subnet], at: ipam.at("config", i, "subnet") });
          const range = scalarText(c.ip_range);
          if (range) args.push({ argv: ["--ip-range", range], at: ipam.at("config", i, "ip_range") });
          const gateway = scalarText(c.gateway);
          if (gateway) args.push({ argv: ["--gateway", gateway], at: ipam.at("config", i, "gateway") });
          const aux = ipam.descend("config", i);
          if (aux) for (const e of keyValueEntries(aux, "aux_addresses")) args.push({ argv: ["--aux-address", `${e.name}=${e.value ?? ""}`], at: aux.at(...e.path) });
        });
      }
    }
    for (const e of keyValueEntries(spec, "labels")) args.push({ argv: ["--label", `${e.name}=${e.value ?? ""}`], at: spec.at(...e.path) });
    out.push({ key, dockerName: name ?? `${top.ctx.projectName}_${key}`, external: false, createArgs: args, at });
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
      if (!spec) return { key, dockerName: `${top.ctx.projectName}_${key}`, external: false, createArgs: [], at };
      const name = scalarText(spec.get("name"));
      const external = externalName(spec);
      if (external !== undefined) {
        rejectSettingsOfExternal(spec, "volume", key);
        return { key, dockerName: external || name || key, external: true, createArgs: [], at };
      }
      const args: RunFlag[] = [];
      const driver = scalarText(spec.get("driver"));
      if (driver) args.push({ argv: ["--driver", driver], at: spec.at("driver") });
      for (const e of keyValueEntries(spec, "driver_opts")) args.push({ argv: ["--opt", `${e.name}=${e.value ?? ""}`], at: spec.at(...e.path) });
      for (const e of keyValueEntries(spec, "labels")) args.push({ argv: ["--label", `${e.name}=${e.value ?? ""}`], at: spec.at(...e.path) });
      return { key, dockerName: name ?? `${top.ctx.projectName}_${key}`, external: false, createArgs: args, at };
    });
}

/** An external network or volume is docker's already: only its name may be given. */
function rejectSettingsOfExternal(spec: Node, kind: "network" | "volume", key: string): void {
  for (const k of Object.keys(spec.value)) {
    if (k !== "external" && k !== "name" && !k.startsWith("x-")) spec.error(`${kind} "${key}" is external; "${k}" cannot be set`, k);
  }
}

/** `external: true` → "" (use the key or name); legacy `external: {name: x}` → "x"; not external → undefined. */
function externalName(spec: Node): string | undefined {
  const ext = spec.get("external");
  if (isMapping(ext)) return scalarText(ext.name) ?? "";
  return asBoolean(ext) ? "" : undefined;
}

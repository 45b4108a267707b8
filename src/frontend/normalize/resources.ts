import type { NamedVolume, Network } from "../../model/project.js";
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
    const args: string[] = [];
    const driver = scalarText(spec.get("driver"));
    if (driver) args.push("--driver", driver);
    for (const e of keyValueEntries(spec, "driver_opts")) args.push("--opt", `${e.name}=${e.value ?? ""}`);
    if (asBoolean(spec.get("internal"))) args.push("--internal");
    if (asBoolean(spec.get("attachable"))) args.push("--attachable");
    if (asBoolean(spec.get("enable_ipv6"))) args.push("--ipv6");
    if (spec.has("enable_ipv4")) spec.ctx.diagnostics.error("unsupported-key", "enable_ipv4 needs docker 28 or newer and is not supported", spec.keyAt("enable_ipv4"));
    const ipam = spec.child("ipam");
    if (ipam) {
      const ipamDriver = scalarText(ipam.get("driver"));
      if (ipamDriver) args.push("--ipam-driver", ipamDriver);
      for (const e of keyValueEntries(ipam, "options")) args.push("--ipam-opt", `${e.name}=${e.value ?? ""}`);
      const configs = ipam.get("config");
      if (Array.isArray(configs)) {
        configs.forEach((c, i) => {
          if (!isMapping(c)) return;
          const subnet = scalarText(c.subnet);
          if (subnet) args.push("--subnet", subnet);
          const range = scalarText(c.ip_range);
          if (range) args.push("--ip-range", range);
          const gateway = scalarText(c.gateway);
          if (gateway) args.push("--gateway", gateway);
          const aux = ipam.descend("config", i);
          if (aux) for (const e of keyValueEntries(aux, "aux_addresses")) args.push("--aux-address", `${e.name}=${e.value ?? ""}`);
        });
      }
    }
    for (const e of keyValueEntries(spec, "labels")) args.push("--label", `${e.name}=${e.value ?? ""}`);
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
      const args: string[] = [];
      const driver = scalarText(spec.get("driver"));
      if (driver) args.push("--driver", driver);
      for (const e of keyValueEntries(spec, "driver_opts")) args.push("--opt", `${e.name}=${e.value ?? ""}`);
      for (const e of keyValueEntries(spec, "labels")) args.push("--label", `${e.name}=${e.value ?? ""}`);
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

import type { Dependency, Link, NamespaceMode, NetworkMode, VolumesFrom } from "../../model/project.js";
import { asBoolean, scalarText, type Node } from "./context.js";

function explicitDependencies(node: Node): Dependency[] {
  const raw = node.get("depends_on");
  if (Array.isArray(raw)) {
    return raw.flatMap((v, i) => {
      const service = scalarText(v);
      return service
        ? [{ service, condition: "service_started", required: true, restart: false, origin: "depends_on", at: node.at("depends_on", i) } as const]
        : [];
    });
  }
  const map = node.child("depends_on");
  if (!map) return [];
  return Object.keys(map.value).map((service) => {
    const spec = map.child(service);
    const condition = (scalarText(spec?.get("condition")) ?? "service_started") as Dependency["condition"];
    return {
      service,
      condition,
      required: asBoolean(spec?.get("required")) ?? true,
      restart: asBoolean(spec?.get("restart")) ?? false,
      origin: "depends_on" as const,
      at: map.keyAt(service),
    };
  });
}

function implied(service: string, origin: Dependency["origin"], at: Dependency["at"]): Dependency {
  return { service, condition: "service_started", required: true, restart: false, origin, at };
}

/** One edge per dependency; an explicit `depends_on` keeps its condition over an implied one. */
function dedupeDependencies(deps: Dependency[]): Dependency[] {
  const out = new Map<string, Dependency>();
  for (const d of deps) if (!out.has(d.service)) out.set(d.service, d);
  return [...out.values()];
}

/**
 * What a service depends on: its `depends_on`, then what `links`,
 * `volumes_from` and a `service:` network, ipc or pid namespace imply.
 */
export function serviceDependencies(
  node: Node,
  links: readonly Link[],
  volumesFrom: readonly VolumesFrom[],
  networkMode: NetworkMode | undefined,
  ipc: NamespaceMode | undefined,
  pid: NamespaceMode | undefined,
): Dependency[] {
  const dependsOn = [...explicitDependencies(node)];
  for (const l of links) dependsOn.push(implied(l.service, "links", l.at));
  for (const v of volumesFrom) if (v.source.kind === "service") dependsOn.push(implied(v.source.name, "volumes_from", v.at));
  if (networkMode?.kind === "service") dependsOn.push(implied(networkMode.service, "network_mode", networkMode.at));
  if (ipc?.kind === "service") dependsOn.push(implied(ipc.service, "ipc", ipc.at));
  if (pid?.kind === "service") dependsOn.push(implied(pid.service, "pid", pid.at));
  return dedupeDependencies(dependsOn);
}

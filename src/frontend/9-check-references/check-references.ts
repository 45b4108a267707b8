import type { DiagnosticBag } from "../../diagnostics.js";
import type { Project } from "../../model/project.js";

/**
 * Every service, network and volume a service names must be declared (a
 * service that is declared but whose profiles are off is only an error for a
 * required dependency), and no two services may share a container name.
 * Services with errors of their own were reported already.
 */
export function checkReferences(
  project: Project,
  declared: ReadonlySet<string>,
  inactive: ReadonlySet<string>,
  failed: ReadonlySet<string>,
  diagnostics: DiagnosticBag,
): void {
  const active = new Set(project.services.map((s) => s.name));
  const networks = new Set(project.networks.map((n) => n.key));
  const volumes = new Set(project.volumes.map((v) => v.key));
  const containerNames = new Map<string, string>();
  for (const service of project.services) {
    for (const dep of service.dependsOn) {
      if (active.has(dep.service) || failed.has(dep.service)) continue;
      const via = dep.origin === "depends_on" ? "depends on" : `refers to (${dep.origin})`;
      if (declared.has(dep.service) && inactive.has(dep.service)) {
        if (dep.required) diagnostics.error("undefined-reference", `service "${service.name}" ${via} "${dep.service}", whose profiles are not active`, dep.at);
      } else {
        diagnostics.error("undefined-reference", `service "${service.name}" ${via} undefined service "${dep.service}"`, dep.at);
      }
    }
    for (const n of service.networks) {
      if (!networks.has(n.network)) diagnostics.error("undefined-reference", `service "${service.name}" uses undefined network "${n.network}"`, n.at);
    }
    for (const m of service.mounts) {
      if (m.type === "volume" && !volumes.has(m.volume)) {
        diagnostics.error(
          "undefined-reference",
          `service "${service.name}" uses undefined volume "${m.volume}"; declare it under the top-level volumes:`,
          m.at,
        );
      }
    }
    const other = containerNames.get(service.containerName);
    if (other)
      diagnostics.error("name-collision", `services "${other}" and "${service.name}" both use the container name "${service.containerName}"`, service.at);
    containerNames.set(service.containerName, service.name);
  }
}

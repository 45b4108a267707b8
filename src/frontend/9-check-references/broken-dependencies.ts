import type { DiagnosticBag } from "../../diagnostics.js";
import type { Project } from "../../model/project.js";

/**
 * A service that depends on a service with errors cannot be compiled either;
 * say so at the dependency, transitively, so every service left without a
 * unit has a diagnostic that names it.
 */
export function reportBrokenDependencies(project: Project, failed: ReadonlySet<string>, diagnostics: DiagnosticBag): void {
  const broken = new Set(failed);
  for (let changed = true; changed;) {
    changed = false;
    for (const service of project.services) {
      if (broken.has(service.name)) continue;
      const dep = service.dependsOn.find((d) => broken.has(d.service));
      if (!dep) continue;
      const why = failed.has(dep.service) ? "which has errors" : "which cannot be compiled either";
      diagnostics.error("undefined-reference", `service "${service.name}" depends on "${dep.service}", ${why}`, dep.at);
      broken.add(service.name);
      changed = true;
    }
  }
}

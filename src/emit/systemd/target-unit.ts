import type { DiagnosticBag } from "../../diagnostics.js";
import type { Project } from "../../model/project.js";
import type { Engine } from "../engine.js";
import { renderUnit } from "./unit-file.js";

/**
 * `<project>.target` groups the stack: every service unit is WantedBy= it and
 * PartOf= it, so `systemctl start/stop <project>.target` starts the enabled
 * services in dependency order and stops them all.
 */
export function targetUnit(project: Project, engine: Engine, header: readonly string[], diagnostics: DiagnosticBag): string | undefined {
  // Pulls in what the containers need, as the service units do, so starting the target alone starts it too.
  const dependencies = engine.containerDependencies;
  return renderUnit(
    header,
    [
      {
        name: "Unit",
        entries: [
          ["Description", `${project.name}: compose project (all services)`],
          ...[...dependencies.requires, ...dependencies.wants].map((u) => ["Wants", u] as const),
          ...dependencies.after.map((u) => ["After", u] as const),
        ],
      },
      { name: "Install", entries: [["WantedBy", "multi-user.target"]] },
    ],
    diagnostics,
    `project "${project.name}"`,
  );
}

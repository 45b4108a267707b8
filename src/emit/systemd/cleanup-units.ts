import type { DiagnosticBag } from "../../diagnostics.js";
import type { Project } from "../../model/project.js";
import { dependencyEntries, type Engine } from "../engine.js";
import { SHELL, cleanupScriptHostPath } from "../layout.js";
import { renderUnit } from "./unit-file.js";

/**
 * The image-cleanup script as a oneshot service and a daily timer: pulls and
 * loads leave dangling images behind on every update, and a host that is
 * never rebooted would otherwise fill its disk with them.
 */
export function cleanupService(project: Project, engine: Engine, header: readonly string[], diagnostics: DiagnosticBag): string | undefined {
  return renderUnit(
    header,
    [
      {
        name: "Unit",
        entries: [["Description", `${project.name}: remove dangling ${engine.name} images`], ...dependencyEntries(engine.resourceDependencies)],
      },
      {
        name: "Service",
        entries: [
          ["Type", "oneshot"],
          // Through sh, so the unit does not depend on the script's exec bit (nor do checks of it on its presence).
          ["ExecStart", `${SHELL} ${cleanupScriptHostPath(project)}`],
        ],
      },
    ],
    diagnostics,
    "image cleanup",
  );
}

export function cleanupTimer(project: Project, engine: Engine, header: readonly string[], diagnostics: DiagnosticBag): string | undefined {
  return renderUnit(
    header,
    [
      { name: "Unit", entries: [["Description", `${project.name}: remove dangling ${engine.name} images daily`]] },
      {
        name: "Timer",
        entries: [
          ["OnCalendar", "daily"],
          // Catch up after the host was off at the scheduled time; spread many hosts over an hour.
          ["Persistent", "true"],
          ["RandomizedDelaySec", "1h"],
        ],
      },
      { name: "Install", entries: [["WantedBy", "timers.target"]] },
    ],
    diagnostics,
    "image cleanup",
  );
}

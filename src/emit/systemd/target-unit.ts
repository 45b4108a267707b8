import type { Project } from "../../model/project.js";
import { renderUnit } from "./unit-file.js";

/**
 * `<project>.target` groups the stack: every service unit is WantedBy= it and
 * PartOf= it, so `systemctl start/stop <project>.target` starts the enabled
 * services in dependency order and stops them all.
 */
export function targetUnit(project: Project, header: readonly string[]): string {
  return renderUnit(header, [
    {
      name: "Unit",
      entries: [
        ["Description", `${project.name}: compose project (all services)`],
        ["Wants", "docker.service"],
        ["After", "docker.service"],
      ],
    },
    { name: "Install", entries: [["WantedBy", "multi-user.target"]] },
  ]);
}

import { stringify } from "yaml";
import type { Project } from "../model/project.js";
import type { OutputFile } from "./output-file.js";
import { serviceUnitName, targetUnitName } from "./layout.js";

/**
 * A `#cloud-config` user-data document that installs every generated file
 * with `write_files` (early, before units start) and then enables and starts
 * the stack from `runcmd`. runcmd runs late in boot, while multi-user.target
 * is still being reached: a blocking `systemctl start` there can deadlock, so
 * the start is queued with --no-block.
 */
export function cloudConfig(project: Project, installed: readonly OutputFile[], header: readonly string[]): string {
  const writeFiles = installed
    .filter((f) => f.installPath !== undefined)
    .map((f) => ({ path: f.installPath!, owner: "root:root", permissions: f.permissions, content: f.content }));
  const units = project.services.map((s) => serviceUnitName(project, s.name));
  const document = {
    write_files: writeFiles,
    runcmd: [
      ["systemctl", "daemon-reload"],
      ["systemctl", "enable", ...units, targetUnitName(project)],
      ["systemctl", "start", "--no-block", targetUnitName(project)],
    ],
  };
  const body = stringify(document, { lineWidth: 0, blockQuote: "literal", defaultStringType: "PLAIN", indentSeq: true });
  return ["#cloud-config", ...header.map((h) => `# ${h}`), body].join("\n");
}

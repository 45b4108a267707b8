import type { Project, Service } from "../../model/project.js";
import { providedFileHostPath, providedFilesDir } from "../layout.js";
import { CommandLine } from "./command-line.js";

/**
 * ExecStartPre= steps that give each secret and config file the owner and
 * mode compose asks for inside the container (a bind mount shows the host
 * file's own). The folder is made 0700 first, so however readable a file
 * is made, only root on the host can reach it.
 */
export function providedFileSteps(project: Project, service: Service): CommandLine[] {
  const steps: CommandLine[] = [];
  const dirs = [...new Set(service.files.map((f) => providedFilesDir(project, f.kind)))].sort();
  for (const dir of dirs) steps.push(new CommandLine("/bin/chmod").add("0700", dir));
  for (const f of service.files) {
    const path = providedFileHostPath(project, service.name, f);
    if (f.uid !== undefined || f.gid !== undefined) steps.push(new CommandLine("/bin/chown").add("--").addFrom(f.at, `${f.uid ?? "0"}:${f.gid ?? "0"}`, path));
    steps.push(new CommandLine("/bin/chmod").add(f.mode.toString(8).padStart(4, "0"), path));
  }
  return steps;
}

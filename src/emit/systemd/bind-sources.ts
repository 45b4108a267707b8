import type { Service } from "../../model/project.js";
import { SHELL } from "../layout.js";
import { CommandLine } from "./command-line.js";

/**
 * compose's default for a bind mount (`bind.create_host_path: true`) is
 * that a missing host path is created as an empty folder, which dockerd
 * does itself; podman refuses to create the container instead. This step,
 * for engines that do not, creates the missing ones first, as root, as
 * dockerd would. Undefined when the service binds nothing.
 */
export function bindSourceStep(service: Service): CommandLine | undefined {
  const sources = new Map<string, Service["mounts"][number]["at"]>();
  for (const m of service.mounts) if (m.type === "bind" && !sources.has(m.source)) sources.set(m.source, m.at);
  if (sources.size === 0) return undefined;
  const cmd = new CommandLine(SHELL).add("-c", 'for p do [ -e "$p" ] || /bin/mkdir -p "$p" || exit; done', "create-bind-sources");
  for (const [source, at] of sources) cmd.addFrom(at, source);
  return cmd;
}

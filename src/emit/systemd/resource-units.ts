import type { DiagnosticBag } from "../../diagnostics.js";
import type { NamedVolume, Network, Project } from "../../model/project.js";
import { DOCKER, SHELL } from "../layout.js";
import { CommandLine } from "./command-line.js";
import { renderUnit } from "./unit-file.js";

/**
 * A oneshot unit that makes sure a network or named volume exists before any
 * service that uses it starts. Stopping the stack never removes it: a
 * volume's data must survive, and a network may be shared with containers
 * of other projects (compose, too, keeps both until `down`).
 */
export function resourceUnit(project: Project, kind: "network" | "volume", resource: Network | NamedVolume, header: readonly string[], diagnostics: DiagnosticBag): string | undefined {
  return ensureUnit(
    {
      description: `${project.name}: docker ${kind} ${resource.dockerName}`,
      kind,
      dockerName: resource.dockerName,
      external: resource.external,
      createArgs: resource.createArgs,
      at: resource.at,
    },
    header,
    diagnostics,
  );
}

interface EnsureSpec {
  readonly description: string;
  readonly kind: "network" | "volume";
  readonly dockerName: string;
  readonly external: boolean;
  readonly createArgs: readonly string[];
  readonly at: Network["at"];
}

function ensureUnit(spec: EnsureSpec, header: readonly string[], diagnostics: DiagnosticBag): string | undefined {
  // The name travels as "$1", never inside the script text, so no quoting of it is needed in the shell.
  const script = spec.external
    ? `${DOCKER} ${spec.kind} inspect "$1" >/dev/null 2>&1 || { echo "external ${spec.kind} $1 does not exist; create it first" >&2; exit 1; }`
    : `name=$1; shift; ${DOCKER} ${spec.kind} inspect "$name" >/dev/null 2>&1 || exec ${DOCKER} ${spec.kind} create "$@" "$name"`;
  const cmd = new CommandLine(SHELL).add("-c", script, `ensure-${spec.kind}`).addFrom(spec.at, spec.dockerName, ...spec.createArgs);
  const text = cmd.render(diagnostics, `${spec.kind} "${spec.dockerName}"`);
  if (text === undefined) return undefined;
  return renderUnit(header, [
    {
      name: "Unit",
      entries: [
        ["Description", spec.description],
        ["Requires", "docker.service"],
        ["After", "docker.service"],
      ],
    },
    {
      name: "Service",
      entries: [
        ["Type", "oneshot"],
        ["RemainAfterExit", "yes"],
        ["ExecStart", text],
      ],
    },
  ]);
}

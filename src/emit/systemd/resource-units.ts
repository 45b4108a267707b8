import type { DiagnosticBag } from "../../diagnostics.js";
import type { NamedVolume, Network, Project } from "../../model/project.js";
import { DOCKER, SHELL, networkUnitName, volumeUnitName } from "../layout.js";
import { CommandLine } from "./command-line.js";
import { renderUnit } from "./unit-file.js";

/**
 * A oneshot unit that makes sure a network exists before any service that
 * uses it starts. It is never removed by stopping the stack: containers of
 * other projects may still use it, and compose keeps it until `down` too.
 */
export function networkUnit(project: Project, network: Network, header: readonly string[], diagnostics: DiagnosticBag): string | undefined {
  return ensureUnit(
    {
      description: `${project.name}: docker network ${network.dockerName}`,
      kind: "network",
      dockerName: network.dockerName,
      external: network.external,
      createArgs: network.createArgs,
      at: network.at,
      unitName: networkUnitName(project, network.key),
    },
    header,
    diagnostics,
  );
}

/** Likewise for a named volume; stopping or restarting the stack never removes its data. */
export function volumeUnit(project: Project, volume: NamedVolume, header: readonly string[], diagnostics: DiagnosticBag): string | undefined {
  return ensureUnit(
    {
      description: `${project.name}: docker volume ${volume.dockerName}`,
      kind: "volume",
      dockerName: volume.dockerName,
      external: volume.external,
      createArgs: volume.createArgs,
      at: volume.at,
      unitName: volumeUnitName(project, volume.key),
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
  readonly unitName: string;
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

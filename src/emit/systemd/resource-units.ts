import type { DiagnosticBag } from "../../diagnostics.js";
import type { NamedVolume, Network, Project } from "../../model/project.js";
import { dependencyEntries, type Engine } from "../engine.js";
import { networkCreateFlags, volumeCreateFlags, type DockerFlag } from "../flags/docker.js";
import { spellFlags } from "../flags/spell.js";
import { SHELL } from "../layout.js";
import { CommandLine } from "./command-line.js";
import { escapeSpecifiers, renderUnit } from "./unit-file.js";

/**
 * A oneshot unit that makes sure a network or named volume exists before any
 * service that uses it starts. Stopping the stack never removes it: a
 * volume's data must survive, and a network may be shared with containers
 * of other projects (compose, too, keeps both until `down`).
 */
export function resourceUnit(
  project: Project,
  kind: "network" | "volume",
  resource: Network | NamedVolume,
  engine: Engine,
  header: readonly string[],
  diagnostics: DiagnosticBag,
): string | undefined {
  return ensureUnit(
    {
      description: escapeSpecifiers(`${project.name}: ${engine.name} ${kind} ${resource.dockerName}`),
      engine,
      kind,
      dockerName: resource.dockerName,
      external: resource.external,
      createArgs: resource.external ? [] : kind === "network" ? networkCreateFlags(resource as Network) : volumeCreateFlags(resource as NamedVolume),
      at: resource.at,
    },
    header,
    diagnostics,
  );
}

interface EnsureSpec {
  readonly description: string;
  readonly engine: Engine;
  readonly kind: "network" | "volume";
  readonly dockerName: string;
  readonly external: boolean;
  readonly createArgs: readonly DockerFlag[];
  readonly at: Network["at"];
}

function ensureUnit(spec: EnsureSpec, header: readonly string[], diagnostics: DiagnosticBag): string | undefined {
  const { engine } = spec;
  const what = `${spec.kind} "${spec.dockerName}"`;
  // The name travels as "$1", never inside the script text, so no quoting of it is needed in the shell.
  const script = spec.external
    ? `${engine.binary} ${spec.kind} inspect -- "$1" >/dev/null 2>&1 || { echo "external ${spec.kind} $1 does not exist; create it first" >&2; exit 1; }`
    : `name=$1; shift; ${engine.binary} ${spec.kind} inspect -- "$name" >/dev/null 2>&1 || exec ${engine.binary} ${spec.kind} create "$@" -- "$name"`;
  const cmd = new CommandLine(SHELL).add("-c", script, `ensure-${spec.kind}`).addFrom(spec.at, spec.dockerName);
  let supported = true;
  for (const f of spec.createArgs) {
    const spelled = spellFlags(engine, `${spec.kind} create`, f.argv, f.at, what, diagnostics);
    if (!spelled) supported = false;
    // The create arguments reach the subcommand through "$@": there is no place for a global option.
    else if (spelled.global.length > 0) throw new Error(`internal error: ${engine.name} ${spec.kind} create has a global option`);
    else cmd.addFrom(f.at, ...spelled.local);
  }
  const text = cmd.render(diagnostics, what);
  if (text === undefined || !supported) return undefined;
  return renderUnit(
    header,
    [
      {
        name: "Unit",
        entries: [["Description", spec.description, spec.at], ...dependencyEntries(engine.resourceDependencies)],
      },
      {
        name: "Service",
        entries: [
          ["Type", "oneshot"],
          ["RemainAfterExit", "yes"],
          ["ExecStart", text, cmd.widestSource()],
        ],
      },
    ],
    diagnostics,
    what,
  );
}

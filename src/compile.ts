import { DiagnosticBag, type Diagnostic } from "./diagnostics.js";
import type { CloudConfigOptions } from "./emit/cloud-config.js";
import { emitProject } from "./emit/emit-project.js";
import type { HostOptions } from "./emit/host-options.js";
import type { OutputFile } from "./emit/output-file.js";
import { loadProject, type LoadOptions } from "./frontend/load-project.js";
import type { SourceFile } from "./frontend/parse-yaml.js";
import { orderServices } from "./graph/dependency-graph.js";
import type { Project } from "./model/project.js";

export interface CompileOptions extends LoadOptions, CloudConfigOptions, HostOptions {}

export interface CompileResult {
  /** Every generated file, sorted by path with cloud-config.yaml (which installs the rest) last; empty when there is any error. */
  readonly files: readonly OutputFile[];
  /** Errors and warnings, sorted by location. */
  readonly diagnostics: readonly Diagnostic[];
  /** The loaded model, when loading got that far. */
  readonly project?: Project;
  /**
   * The text of every file a diagnostic points into, keyed by the name in
   * its location, so a reporter can show the offending line (see
   * `formatCodeFrame`). Empty when there are no located diagnostics.
   */
  readonly sources: ReadonlyMap<string, string>;
}

/**
 * compose files → units, env files, cleanup script and cloud-config. Pure:
 * reads nothing but what `options.readFile` gives it and writes nothing.
 * The CLI is a thin shell around this function.
 *
 * `input` is one compose file, or the main file followed by its override
 * files (like `-f a.yml -f b.yml`); an empty list finds them as docker
 * compose does (COMPOSE_FILE, else compose.yaml and the other default names
 * in `options.workingDirectory` or a folder above it).
 */
export function compile(input: SourceFile | readonly SourceFile[], options: CompileOptions = {}): CompileResult {
  const diagnostics = new DiagnosticBag();
  const finish = (files: readonly OutputFile[], project: Project | undefined): CompileResult => {
    const sorted = diagnostics.sorted();
    return { files, diagnostics: sorted, ...(project ? { project } : {}), sources: diagnostics.sourcesOf(sorted) };
  };
  const project = loadProject(input, options, diagnostics);
  if (!project || diagnostics.hasErrors) return finish([], project);
  const ordered = orderServices(project, diagnostics);
  const main = isList(input) ? input[0] : input;
  const files = ordered ? emitProject(ordered, { ...options, sourceName: displayName(main?.path ?? "compose.yaml") }, diagnostics) : undefined;
  if (!files || diagnostics.hasErrors) return finish([], project);
  return finish(files, project);
}

function isList(input: SourceFile | readonly SourceFile[]): input is readonly SourceFile[] {
  return Array.isArray(input);
}

/** Only the file name goes into generated headers, so output does not depend on where it was compiled. */
function displayName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

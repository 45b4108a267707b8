import { posix } from "node:path";
import { DiagnosticBag, formatDiagnostic, loadProject, type LoadOptions, type Project, type Service } from "../../src/index.js";

/** A project folder in memory: path (relative to /project unless absolute) → content. */
export type VirtualFiles = Readonly<Record<string, string>>;

export const ROOT = "/project";

export interface Loaded {
  readonly project: Project | undefined;
  /** Every diagnostic as the CLI prints it. */
  readonly diagnostics: string[];
  readonly errors: string[];
  readonly warnings: string[];
  service(name: string): Service;
}

/**
 * Loads a project from a virtual folder, through the library only. `files`
 * lists the compose files to pass (relative to /project); an empty list lets
 * the loader find them.
 */
export function load(tree: VirtualFiles, files: readonly string[] = ["compose.yaml"], options: LoadOptions = {}): Loaded {
  const contents = new Map(Object.entries(tree).map(([p, c]) => [posix.resolve(ROOT, p), c]));
  const diagnostics = new DiagnosticBag();
  const project = loadProject(
    files.map((f) => ({ path: f, content: contents.get(posix.resolve(ROOT, f)) ?? "" })),
    { workingDirectory: ROOT, environment: {}, readFile: (p) => contents.get(p), ...options },
    diagnostics,
  );
  const all = diagnostics.sorted();
  return {
    project,
    diagnostics: all.map(formatDiagnostic),
    errors: all.filter((d) => d.severity === "error").map(formatDiagnostic),
    warnings: all.filter((d) => d.severity === "warning").map(formatDiagnostic),
    service(name: string): Service {
      const s = project?.services.find((x) => x.name === name);
      if (!s) throw new Error(`no service ${name}; diagnostics:\n${all.map(formatDiagnostic).join("\n")}`);
      return s;
    },
  };
}

/** Environment of a service as NAME → value. */
export function env(service: Service): Record<string, string> {
  return Object.fromEntries(service.environment.map((e) => [e.name, e.value]));
}

export function where(at: { file: string; line: number; column: number }): string {
  return `${at.file}:${at.line}:${at.column}`;
}

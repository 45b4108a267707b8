// compose2units as a library: every phase is a pure function of its inputs;
// nothing here reads or writes the disk except through `options.readFile`.

/** compose files → every generated file (units, env files, cleanup script, cloud-config), with diagnostics. */
export { compile, type CompileOptions, type CompileResult } from "./compile.js";
export type { HostOptions, BundleOptions } from "./emit/host-options.js";
export type { CloudConfigOptions } from "./emit/cloud-config.js";

/** The phases `compile` runs, for a build script that looks at or adjusts the model between them. */
export { loadProject, type LoadOptions } from "./frontend/load-project.js";
export { orderServices, type OrderedProject } from "./graph/dependency-graph.js";
export { emitProject, type EmitOptions } from "./emit/emit-project.js";
export { projectToYaml } from "./emit/compose-yaml.js";

export type { SourceFile } from "./frontend/parse-yaml.js";
/** What a `readFile` function throws for a file that is there but must not be read; its message says why. */
export { InputRefused } from "./frontend/1-inputs/input-files.js";
export type { OutputFile } from "./emit/output-file.js";
export type * from "./model/project.js";

/** Diagnostics and how the CLI prints them. */
export { formatDiagnostic, hasErrors, DiagnosticBag, type Diagnostic, type DiagnosticCode, type SourceLocation, type Severity } from "./diagnostics.js";
/** Every diagnostic code with its meaning, for tools that sort or filter findings. */
export { DIAGNOSTIC_CODES } from "./diagnostic-codes.js";
export { formatCodeFrame } from "./code-frame.js";

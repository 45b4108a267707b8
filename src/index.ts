export { compile, type CompileOptions, type CompileResult } from "./compile.js";
export type { HostOptions, BundleOptions } from "./emit/host-options.js";
export type { CloudConfigOptions } from "./emit/cloud-config.js";
export { loadProject, type LoadOptions } from "./frontend/load-project.js";
export { projectToYaml } from "./config-yaml.js";
export type { SourceFile } from "./frontend/parse-yaml.js";
export { formatDiagnostic, DiagnosticBag, type Diagnostic, type DiagnosticCode, type SourceLocation, type Severity } from "./diagnostics.js";
export type { OutputFile } from "./emit/output-file.js";
export type * from "./model/project.js";

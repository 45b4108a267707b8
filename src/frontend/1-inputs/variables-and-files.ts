import { posix } from "node:path";
import type { DiagnosticBag } from "../../diagnostics.js";
import type { Environment } from "../3-interpolate/interpolate.js";
import type { LoadBudget } from "../limits.js";
import type { LoadOptions } from "../load-options.js";
import { projectEnvironment } from "./environment.js";
import { findComposeFiles } from "./find-compose-files.js";
import type { Inputs } from "./given-files.js";

/** The project's variables and compose files, and the folder its relative paths resolve against. */
export interface ProjectInputs {
  readonly environment: Environment;
  /** The compose files, by absolute path: the main one, then its override files. */
  readonly files: readonly { path: string; content: string }[];
  readonly projectDirectory: string;
}

/**
 * The variables (process environment over `.env` or the `--env-file`s),
 * then the compose files: those given, else those COMPOSE_FILE names, else
 * those found as docker compose finds them. Undefined after an error.
 */
export function loadVariablesAndFiles(inputs: Inputs, options: LoadOptions, budget: LoadBudget, diagnostics: DiagnosticBag): ProjectInputs | undefined {
  const { cwd, reader, display } = inputs;
  const processEnv = options.environment ?? {};
  const explicitDir = options.projectDirectory !== undefined ? posix.resolve(cwd, options.projectDirectory) : undefined;
  const envFiles = options.envFiles?.map((f) => posix.resolve(cwd, f));

  // Variables first: `.env` may set COMPOSE_FILE, COMPOSE_PROFILES and COMPOSE_PROJECT_NAME.
  const firstGiven = inputs.files[0]?.path;
  const envDir = explicitDir ?? (firstGiven ? posix.dirname(firstGiven) : cwd);
  const host = { ...reader, display, budget };
  let environment = projectEnvironment({ processEnvironment: processEnv, ...(envFiles ? { envFiles } : {}), directory: envDir, ...host }, diagnostics);
  if (!environment) return undefined;

  let files = inputs.files;
  if (files.length === 0) {
    const found = findComposeFiles(environment, cwd, envDir, reader, display, diagnostics);
    if (!found) return undefined;
    files = found;
    // Compose reads the `.env` next to the compose file it found as well; what is already set wins.
    const dir = explicitDir ?? posix.dirname(files[0]!.path);
    if (dir !== envDir && !envFiles) {
      const again = projectEnvironment({ processEnvironment: environment, directory: dir, ...host }, diagnostics);
      if (!again) return undefined;
      environment = again;
    }
  }
  const projectDirectory = explicitDir ?? posix.dirname(files[0]!.path);
  return { environment, files, projectDirectory };
}

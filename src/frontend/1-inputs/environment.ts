import { posix } from "node:path";
import type { DiagnosticBag } from "../../diagnostics.js";
import { parseDotenv } from "./dotenv.js";
import type { InputReader } from "./input-files.js";
import type { LoadBudget } from "../limits.js";
import type { Environment } from "../3-interpolate/interpolate.js";

export interface EnvironmentSources {
  /** The process environment; it wins over every env file. */
  readonly processEnvironment: Environment;
  /** Explicit `--env-file`s, absolute; when absent, `.env` in `directory` if it exists. */
  readonly envFiles?: readonly string[];
  /** The project folder, where the default `.env` is looked for. */
  readonly directory: string;
  readonly readFile: (path: string) => string | undefined;
  readonly whyUnread: InputReader["whyUnread"];
  readonly exists: InputReader["exists"];
  /** Shared by every file of the project. */
  readonly budget?: LoadBudget;
  /** How a path is shown in a diagnostic. */
  readonly display: (path: string) => string;
}

/**
 * The variables a project interpolates with, as docker compose assembles
 * them: the process environment over the env files, which are read in
 * order (a later file wins over an earlier one) and may use `${...}` of the
 * process environment and of the files before them.
 */
export function projectEnvironment(sources: EnvironmentSources, diagnostics: DiagnosticBag): Record<string, string | undefined> | undefined {
  const os = sources.processEnvironment;
  let files = sources.envFiles;
  if (files === undefined) {
    const disabled = /^(1|true|yes)$/i.test(os.COMPOSE_DISABLE_ENV_FILE ?? "");
    const dotEnv = posix.join(sources.directory, ".env");
    files = !disabled && sources.exists(dotEnv) ? [dotEnv] : [];
  }
  const fromFiles = readEnvFiles(files, os, sources, diagnostics);
  if (!fromFiles) return undefined;
  const out: Record<string, string | undefined> = { ...fromFiles };
  for (const [k, v] of Object.entries(os)) if (v !== undefined) out[k] = v;
  return out;
}

/** `.env`-style files read one after the other; undefined after an error. */
export function readEnvFiles(
  files: readonly string[],
  lookupFirst: Environment,
  sources: Pick<EnvironmentSources, "readFile" | "whyUnread" | "exists" | "display" | "budget">,
  diagnostics: DiagnosticBag,
): Record<string, string> | undefined {
  const values: Record<string, string> = {};
  let ok = true;
  for (const path of files) {
    const text = sources.readFile(path);
    if (text === undefined) {
      // No place names these files (`.env`, `--env-file`): one that is there but refused is placed at itself.
      const at = sources.exists(path) ? { file: sources.display(path), line: 1, column: 1 } : undefined;
      diagnostics.error("missing-input", `env file ${sources.display(path)} ${sources.whyUnread(path)}`, at);
      ok = false;
      continue;
    }
    const parsed = parseDotenv(text, (name) => lookupFirst[name] ?? values[name], sources.budget);
    if (!parsed.ok) {
      diagnostics.error("invalid-env-file", parsed.message, { file: sources.display(path), line: parsed.line, column: 1 });
      ok = false;
      continue;
    }
    for (const e of parsed.entries) {
      const value = e.value ?? lookupFirst[e.name];
      if (value !== undefined) values[e.name] = value;
    }
  }
  return ok ? values : undefined;
}

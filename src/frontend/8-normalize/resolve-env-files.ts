import type { DiagnosticBag, SourceLocation } from "../../diagnostics.js";
import { parseDotenv } from "../1-inputs/dotenv.js";
import type { LoadBudget } from "../limits.js";
import type { Environment } from "../3-interpolate/interpolate.js";
import { pointerOf, type LocationIndex } from "../location-index.js";
import { asBoolean, isMapping, scalarText } from "./context.js";
import type { RawMapping, RawValue } from "../parse-yaml.js";
import { inputPath, unexpandedHomeNote } from "../input-paths.js";

export interface EnvFileContext {
  readonly projectDirectory: string;
  /** The project's variables: what `${...}` and bare names in env files fall back to. */
  readonly environment: Environment;
  readonly readFile: (path: string) => string | undefined;
  readonly whyUnread: (path: string) => string;
  /** Shared by every file of the project. */
  readonly budget?: LoadBudget;
  readonly display: (path: string) => string;
  readonly diagnostics: DiagnosticBag;
}

/**
 * Resolves each service's `env_file` into its `environment`, as docker
 * compose does before anything else reads them: files in order, a later one
 * winning; `${...}` in their values substituted from the files read so far
 * and the project's variables; then `environment:` on top. A variable
 * keeps the place it was written (file and line of the env file). A
 * missing file is an error unless it is marked `required: false`.
 */
export function resolveEnvFiles(doc: RawMapping, services: Iterable<string>, locations: LocationIndex, ctx: EnvFileContext): RawMapping {
  const all = doc.services;
  if (!isMapping(all)) return doc;
  // Copied once a service has env files to resolve; a project without any is returned as it is.
  let out: RawMapping | undefined;
  for (const name of services) {
    const service = all[name];
    if (!isMapping(service) || service.env_file === undefined) continue;
    const { env_file: envFile, ...rest } = service;
    const base = ["services", name];
    const environment: RawMapping = {};
    const fromFiles = new Map<string, SourceLocation>();
    const resolved = new Map<string, string>();
    const lookup = (v: string) => resolved.get(v) ?? ctx.environment[v];
    const entries = Array.isArray(envFile)
      ? envFile.map((e, i) => ({ e, path: [...base, "env_file", i] }))
      : envFile === null
        ? []
        : [{ e: envFile, path: [...base, "env_file"] }];
    for (const { e, path } of entries) {
      const file = isMapping(e) ? scalarText(e.path) : scalarText(e);
      if (!file) continue;
      const required = isMapping(e) ? (asBoolean(e.required) ?? true) : true;
      const full = inputPath(file, ctx.projectDirectory, ctx.environment);
      const text = ctx.readFile(full);
      if (text === undefined) {
        if (required)
          ctx.diagnostics.error(
            "missing-input",
            `service "${name}": env_file ${ctx.display(full)} ${ctx.whyUnread(full)}${unexpandedHomeNote(file, ctx.environment)}`,
            locations.value(pointerOf(path)),
          );
        continue;
      }
      const parsed = parseDotenv(text, lookup, ctx.budget);
      if (!parsed.ok) {
        ctx.diagnostics.error("invalid-env-file", `service "${name}": ${parsed.message}`, { file: ctx.display(full), line: parsed.line, column: 1 });
        continue;
      }
      for (const v of parsed.entries) {
        const value = v.value ?? lookup(v.name);
        if (value === undefined) continue;
        resolved.set(v.name, value);
        environment[v.name] = value;
        fromFiles.set(v.name, { file: ctx.display(full), line: v.line, column: 1 });
      }
    }
    // `environment:` wins over env_file; written as a list, it becomes a mapping here.
    const explicit = service.environment;
    if (Array.isArray(explicit)) {
      explicit.forEach((item, i) => {
        const text = scalarText(item);
        if (text === undefined) return;
        const eq = text.indexOf("=");
        const key = eq < 0 ? text : text.slice(0, eq);
        environment[key] = eq < 0 ? null : text.slice(eq + 1);
        place(locations, [...base, "environment", key], locations.value(pointerOf([...base, "environment", i])));
      });
    } else if (isMapping(explicit)) {
      for (const [key, value] of Object.entries(explicit)) environment[key] = value as RawValue;
    }
    const overridden = Array.isArray(explicit) ? explicitKeys(explicit) : new Set(Object.keys(isMapping(explicit) ? explicit : {}));
    for (const [key, at] of fromFiles) if (!overridden.has(key)) place(locations, [...base, "environment", key], at);
    (out ??= { ...all })[name] = { ...rest, environment };
  }
  return out ? { ...doc, services: out } : doc;
}

function explicitKeys(list: readonly RawValue[]): Set<string> {
  return new Set(list.map((item) => (scalarText(item) ?? "").split("=")[0]!));
}

function place(locations: LocationIndex, path: (string | number)[], at: SourceLocation): void {
  const pointer = pointerOf(path);
  locations.setValue(pointer, at);
  locations.setKey(pointer, at);
}

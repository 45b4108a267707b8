import { posix } from "node:path";
import type { DiagnosticBag, SourceLocation } from "../../diagnostics.js";
import type { Environment } from "../3-interpolate/interpolate.js";
import type { LocationIndex } from "../location-index.js";
import type { RawMapping } from "../parse-yaml.js";
import { scalarText } from "./context.js";

/** Compose's project name rules: `-p`, then COMPOSE_PROJECT_NAME (both must be valid), then `name:`, then the folder (both normalized). */
export function resolveProjectName(
  explicit: string | undefined,
  environment: Environment,
  doc: RawMapping,
  projectDirectory: string,
  locations: LocationIndex,
  diagnostics: DiagnosticBag,
): string | undefined {
  const imperative = explicit ?? (environment.COMPOSE_PROJECT_NAME || undefined);
  if (imperative !== undefined) {
    if (projectName(imperative) !== imperative || imperative === "") {
      const source = explicit !== undefined ? "project name" : "COMPOSE_PROJECT_NAME";
      diagnostics.error(
        "invalid-project-name",
        `invalid ${source} "${imperative}": use lowercase letters, digits, "-" and "_", starting with a letter or digit`,
      );
      return undefined;
    }
    return imperative;
  }
  const fromFile = projectName(scalarText(doc.name) ?? "");
  if (fromFile) return fromFile;
  const fromDir = projectName(posix.basename(projectDirectory));
  if (!fromDir)
    diagnostics.error(
      "invalid-project-name",
      "cannot derive a project name: set name: or use --project-name",
      locations.value(doc.name === undefined ? "" : "/name"),
    );
  return fromDir || undefined;
}

/** Compose's normalization: lowercase, keep only `a-z0-9_-`, must start with a letter or digit. */
export function projectName(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, "")
    .replace(/^[_-]+/, "");
}

/** Where the project's name was written: -p and COMPOSE_PROJECT_NAME are written in no file; `name:`, or the top of the file for the folder's name. */
export function projectNameLocation(
  explicit: string | undefined,
  environment: Environment,
  doc: RawMapping,
  locations: LocationIndex,
): SourceLocation | undefined {
  const imperativeName = explicit !== undefined || Boolean(environment.COMPOSE_PROJECT_NAME);
  return imperativeName ? undefined : locations.value(projectName(scalarText(doc.name) ?? "") ? "/name" : "");
}

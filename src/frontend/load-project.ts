import type { DiagnosticBag } from "../diagnostics.js";
import type { Project } from "../model/project.js";
import { readInputs } from "./1-inputs/given-files.js";
import { loadVariablesAndFiles } from "./1-inputs/variables-and-files.js";
import { loadLayers } from "./2-layers/load-layers.js";
import { mergeProject } from "./5-merge/merge-layers.js";
import { activeProfiles } from "./6-select/profiles.js";
import { declaredServices, scopeToSelection, selectServices } from "./6-select/select-services.js";
import { validateServices } from "./7-validate/validate-services.js";
import { normalizeProject } from "./8-normalize/normalize-project.js";
import { projectNameLocation, resolveProjectName } from "./8-normalize/project-name.js";
import { resolveEnvFiles } from "./8-normalize/resolve-env-files.js";
import { reportBrokenDependencies } from "./9-check-references/broken-dependencies.js";
import { checkReferences } from "./9-check-references/check-references.js";
import { LoadBudget } from "./limits.js";
import type { LoadOptions } from "./load-options.js";
import type { SourceFile } from "./parse-yaml.js";

export type { LoadOptions } from "./load-options.js";

/**
 * Front end: compose files → the typed project model, as docker compose
 * loads them, one stage after the other (each stage is the folder of its
 * number). Returns undefined when errors make a model meaningless.
 *
 * `input` is the main compose file followed by its override files; an
 * empty list means "find them as docker compose would".
 */
export function loadProject(input: SourceFile | readonly SourceFile[], options: LoadOptions, diagnostics: DiagnosticBag): Project | undefined {
  const given: readonly SourceFile[] = Array.isArray(input) ? input : [input as SourceFile];

  // 1. Inputs: the files given, the variables, and the compose files (given, from COMPOSE_FILE, or found).
  const inputs = readInputs(given, options, diagnostics);
  if (!inputs) return undefined;
  const { reader, display } = inputs;
  // What substitution and env files may still add, over every file of the project.
  const budget = new LoadBudget();
  const found = loadVariablesAndFiles(inputs, options, budget, diagnostics);
  if (!found) return undefined;
  const { environment, files, projectDirectory } = found;

  // 2–4. Layers: each file parsed and lifted from v1 (2), interpolated (3), its include and extends resolved (4).
  const scope = { environment, workingDir: projectDirectory, includedBy: [] };
  const layers = loadLayers(files, scope, { ...reader, display, budget, diagnostics });
  if (!layers) return undefined;

  // 5. Merge: the files in order, into one document whose values keep their positions.
  const merged = mergeProject(layers, diagnostics);
  if (!merged) return undefined;
  const { locations } = merged;

  // 6. Selection: profiles and an explicit service list, before validation so that services left out are not validated.
  const services = declaredServices(merged.doc);
  const selection = selectServices(services, activeProfiles(options.profiles, environment), options.services, locations, diagnostics);

  // 7. Schema validation: malformed services are left out and reported; the others go on.
  const validated = validateServices(scopeToSelection(merged.doc, selection, options.services), locations, diagnostics);
  if (!validated) return undefined;

  // 8. Normalization: env files read, the project named, everything in long form in the model.
  const doc = resolveEnvFiles(validated.doc, selection.enabled, locations, { projectDirectory, environment, ...reader, display, diagnostics, budget });
  const name = resolveProjectName(options.projectName, environment, doc, projectDirectory, locations, diagnostics);
  if (!name) return undefined;
  const nameAt = projectNameLocation(options.projectName, environment, doc, locations);
  const settings = {
    name,
    nameAt,
    projectDirectory,
    format: layers[0]!.format,
    environment,
    locations,
    reader,
    display,
    enabled: selection.enabled,
    invalid: validated.invalid,
  };
  const { project, failed } = normalizeProject(doc, settings, diagnostics);

  // 9. References: what services name must exist, and a service that depends on one with errors has errors too.
  checkReferences(project, new Set(Object.keys(services)), selection.inactive, failed, diagnostics);
  reportBrokenDependencies(project, failed, diagnostics);
  return project;
}

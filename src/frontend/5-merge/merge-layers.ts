import type { DiagnosticBag } from "../../diagnostics.js";
import type { ComposeLayer } from "../2-layers/compose-layer.js";
import type { LocationIndex } from "../location-index.js";
import type { RawMapping } from "../parse-yaml.js";
import { flattenTree, type TreeMap } from "../tree.js";
import { enforceUnicity, mergeTrees } from "./merge.js";
import { checkSameFormat } from "./same-format.js";

/** The files of one project merged in order, each list kept unique as compose does. */
export function mergeLayers(layers: readonly ComposeLayer[], diagnostics: DiagnosticBag): TreeMap {
  let merged = layers[0]!.tree;
  for (const layer of layers.slice(1)) merged = mergeTrees(merged, layer.tree, [], diagnostics) as TreeMap;
  return enforceUnicity(merged) as TreeMap;
}

/** The project as one document: what later stages read, each value still locatable in the file that wrote it. */
export interface MergedProject {
  readonly doc: RawMapping;
  readonly locations: LocationIndex;
}

/** The project's files, all in one format, merged into one document; undefined after an error. */
export function mergeProject(layers: readonly ComposeLayer[], diagnostics: DiagnosticBag): MergedProject | undefined {
  checkSameFormat(layers, diagnostics);
  const merged = mergeLayers(layers, diagnostics);
  if (diagnostics.hasErrors) return undefined;
  const flat = flattenTree(merged, layers[0]!.display);
  return { doc: flat.value as RawMapping, locations: flat.locations };
}

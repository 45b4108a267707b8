import type { DiagnosticBag } from "../../diagnostics.js";
import type { ComposeLayer } from "../2-layers/compose-layer.js";
import type { TreeMap } from "../tree.js";
import { enforceUnicity, mergeTrees } from "./merge.js";

/** The files of one project merged in order, each list kept unique as compose does. */
export function mergeLayers(layers: readonly ComposeLayer[], diagnostics: DiagnosticBag): TreeMap {
  let merged = layers[0]!.tree;
  for (const layer of layers.slice(1)) merged = mergeTrees(merged, layer.tree, [], diagnostics) as TreeMap;
  return enforceUnicity(merged) as TreeMap;
}

import { interpolateTree, interpolateValues, type Environment } from "../3-interpolate/interpolate.js";
import { parseYamlTree, type RawMapping } from "../parse-yaml.js";
import { indexTree, rawOf, treeOf, type Tree, type TreeMap } from "../tree.js";
import type { ComposeLayer, LoaderHost } from "./compose-layer.js";
import { detectFormat, liftV1 } from "./legacy-format.js";

/** Reads one compose file as a layer, with the variables of the project it belongs to. */
export type ReadLayer = (path: string, content: string, display: string, environment: Environment) => ComposeLayer | undefined;

/**
 * One compose file as docker compose reads it before anything is brought in:
 * parsed (anchors, aliases and `<<` included), lifted from the v1 format,
 * and interpolated.
 */
export function layerReader(host: LoaderHost): ReadLayer {
  // Variables reported as unset, so each is reported once per project.
  const warned = new Set<string>();
  return (path, content, display, environment) => readLayer(host, warned, path, content, display, environment);
}

function readLayer(host: LoaderHost, warned: Set<string>, path: string, content: string, display: string, environment: Environment): ComposeLayer | undefined {
  const { diagnostics } = host;
  // Kept so that a reporter can show the line a diagnostic points at.
  diagnostics.addSource(display, content);
  const parsed = parseYamlTree({ path: display, content }, diagnostics);
  if (!parsed) return undefined;
  if (parsed.kind !== "map") {
    diagnostics.error("schema", "a compose file must be a mapping with a services: key", parsed.at);
    return undefined;
  }
  const format = detectFormat(topLevel(parsed));
  let tree: Tree;
  if (format === "v1") {
    const { value, locations, tags } = indexTree(parsed, display);
    const lifted = liftV1(value as RawMapping, locations, diagnostics);
    const doc = interpolateValues(lifted.doc, environment, lifted.locations, diagnostics, warned, host.budget);
    tree = treeOf(doc, lifted.locations, new Map([...tags].map(([p, t]) => [`/services${p}`, t])));
  } else {
    tree = mayNeedInterpolation(content) ? interpolateTree(parsed, environment, diagnostics, warned, host.budget) : parsed;
  }
  if (tree.kind !== "map") return undefined;
  return { tree, format, path, display };
}

/**
 * Whether any value of the file can hold a `$`: a file without one has
 * nothing to substitute, unless a double-quoted escape (`"\x24"`) writes one.
 */
function mayNeedInterpolation(content: string): boolean {
  return content.includes("$") || content.includes("\\");
}

/** The top level as detectFormat reads it: the keys, with the values of `version` and `name`. */
function topLevel(tree: TreeMap): RawMapping {
  const out: RawMapping = {};
  for (const [k, v] of tree.entries) out[k] = k === "version" || k === "name" ? rawOf(v) : null;
  return out;
}

import { IncludeResolver } from "../4-include-extends/include.js";
import { ExtendsResolver } from "../4-include-extends/extends.js";
import type { ComposeLayer, LoaderHost, LoadScope } from "./compose-layer.js";
import { layerReader } from "./read-layer.js";

/**
 * The project's compose files as layers, the way docker compose reads each
 * file before it merges them: parsed and lifted from the v1 format (stage 2),
 * interpolated (3), then with the projects it `include`s brought in and its
 * `extends` resolved (4). Undefined when a file could not be read or a value
 * not substituted: that would only cause confusing follow-up errors.
 */
export function loadLayers(files: readonly { path: string; content: string }[], scope: LoadScope, host: LoaderHost): ComposeLayer[] | undefined {
  const readLayer = layerReader(host);
  const extendsResolver = new ExtendsResolver(host, readLayer);
  // Included files are layers of their own projects, loaded the same way.
  const includeResolver: IncludeResolver = new IncludeResolver(host, loadLayer);
  function loadLayer(path: string, content: string, display: string, fileScope: LoadScope): ComposeLayer | undefined {
    const layer = readLayer(path, content, display, fileScope.environment);
    if (!layer) return undefined;
    const included = includeResolver.apply(layer, fileScope);
    return { ...layer, tree: extendsResolver.apply({ ...layer, tree: included }, fileScope.environment) };
  }
  const layers: ComposeLayer[] = [];
  for (const f of files) {
    const layer = loadLayer(f.path, f.content, host.display(f.path), scope);
    if (layer) layers.push(layer);
  }
  if (layers.length !== files.length || host.diagnostics.hasErrors) return undefined;
  return layers;
}

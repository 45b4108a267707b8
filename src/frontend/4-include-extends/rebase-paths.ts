import { posix } from "node:path";
import { isWindowsPath, parseVolume } from "../short-syntax/volume.js";
import { child, isMap, scalar, withEntry, type Tree, type TreeMap } from "../tree.js";

/**
 * Makes the relative host paths of a document absolute against `dir`: the
 * folder of a file a service was extended from, or the project directory of
 * an included project. Compose resolves these against the file or project
 * that wrote them, not against the project that uses them.
 */
export function rebasePaths(doc: TreeMap, dir: string): TreeMap {
  let out = doc;
  const services = child(doc, "services");
  if (isMap(services)) {
    const entries = new Map<string, Tree>();
    for (const [name, service] of services.entries) entries.set(name, isMap(service) ? rebaseService(service, dir) : service);
    out = withEntry(out, "services", { ...services, entries });
  }
  for (const key of ["secrets", "configs"]) {
    const section = child(out, key);
    if (!isMap(section)) continue;
    const entries = new Map<string, Tree>();
    for (const [name, spec] of section.entries) entries.set(name, isMap(spec) ? mapPath(spec, "file", dir) : spec);
    out = withEntry(out, key, { ...section, entries });
  }
  const volumes = child(out, "volumes");
  if (isMap(volumes)) {
    const entries = new Map<string, Tree>();
    for (const [name, spec] of volumes.entries) entries.set(name, isMap(spec) ? rebaseVolumeDevice(spec, dir) : spec);
    out = withEntry(out, "volumes", { ...volumes, entries });
  }
  return out;
}

export function rebaseService(service: TreeMap, dir: string): TreeMap {
  let out = service;
  const build = child(out, "build");
  if (build?.kind === "scalar" && typeof build.value === "string") out = withEntry(out, "build", contextPath(build, dir));
  else if (isMap(build)) {
    let b = build;
    const context = child(b, "context");
    if (context?.kind === "scalar" && typeof context.value === "string") b = withEntry(b, "context", contextPath(context, dir));
    const extra = child(b, "additional_contexts");
    if (isMap(extra)) {
      const entries = new Map<string, Tree>();
      for (const [k, v] of extra.entries) entries.set(k, v.kind === "scalar" && typeof v.value === "string" ? contextPath(v, dir) : v);
      b = withEntry(b, "additional_contexts", { ...extra, entries });
    }
    out = withEntry(out, "build", b);
  }
  for (const key of ["env_file", "label_file"]) {
    const value = child(out, key);
    if (!value) continue;
    if (value.kind === "seq") out = withEntry(out, key, { ...value, items: value.items.map((i) => (isMap(i) ? mapPath(i, "path", dir) : filePath(i, dir))) });
    else out = withEntry(out, key, filePath(value, dir));
  }
  const extendsNode = child(out, "extends");
  if (isMap(extendsNode)) out = withEntry(out, "extends", mapPath(extendsNode, "file", dir));
  const volumes = child(out, "volumes");
  if (volumes?.kind === "seq") out = withEntry(out, "volumes", { ...volumes, items: volumes.items.map((v) => volumeSource(v, dir)) });
  return out;
}

function isRelative(path: string): boolean {
  return path !== "" && !path.startsWith("/") && !path.startsWith("~");
}

function resolved(node: Tree, path: string, dir: string): Tree {
  return scalar(posix.resolve(dir, path), node.at, node.keyAt);
}

function filePath(node: Tree, dir: string): Tree {
  return node.kind === "scalar" && typeof node.value === "string" && isRelative(node.value) ? resolved(node, node.value, dir) : node;
}

function mapPath(node: TreeMap, key: string, dir: string): TreeMap {
  const value = child(node, key);
  return value ? withEntry(node, key, filePath(value, dir)) : node;
}

/** A build context may be a URL (git, https), which stays as written. */
function contextPath(node: Tree, dir: string): Tree {
  const text = node.kind === "scalar" ? String(node.value) : "";
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text) || text.startsWith("git@") || text.startsWith("github.com/")) return node;
  return filePath(node, dir);
}

/**
 * `./data:/data` and `{type: bind, source: ./data}`; a named volume (`data:/data`) is not a path.
 * The short form is read by the parser normalization uses, so both agree on what the source is;
 * the rest of the entry stays as written.
 */
function volumeSource(node: Tree, dir: string): Tree {
  if (node.kind === "scalar" && typeof node.value === "string") {
    const volume = parseVolume(node.value);
    const source = volume.ok && volume.value.type === "bind" ? volume.value.source : undefined;
    if (source === undefined || !isRelative(source) || isWindowsPath(source)) return node;
    return scalar(posix.resolve(dir, source) + node.value.slice(source.length), node.at, node.keyAt);
  }
  if (isMap(node)) {
    const type = child(node, "type");
    const source = child(node, "source");
    const windows = source?.kind === "scalar" && typeof source.value === "string" && isWindowsPath(source.value);
    // A Windows path stays as written, for normalization to report rather than a path made of it.
    if (type?.kind === "scalar" && type.value === "bind" && !windows) return mapPath(node, "source", dir);
  }
  return node;
}

/** A local volume whose driver options bind a host folder (`o: bind`, `device: ./path`). */
function rebaseVolumeDevice(spec: TreeMap, dir: string): TreeMap {
  const driver = child(spec, "driver");
  const opts = child(spec, "driver_opts");
  if (!isMap(opts) || (driver && !(driver.kind === "scalar" && driver.value === "local"))) return spec;
  const o = child(opts, "o");
  if (!(o?.kind === "scalar" && o.value === "bind")) return spec;
  return withEntry(spec, "driver_opts", mapPath(opts, "device", dir));
}

import { posix } from "node:path";
import type { ComposeLayer, LoaderHost } from "../2-layers/compose-layer.js";
import type { ReadLayer } from "../2-layers/read-layer.js";
import type { Environment } from "../3-interpolate/interpolate.js";
import { mergeService } from "../5-merge/merge.js";
import { inputPath, unexpandedHomeNote } from "../input-paths.js";
import { child, isMap, text, withEntry, type Tree, type TreeMap } from "../tree.js";
import { rebaseService } from "./rebase-paths.js";

/**
 * `extends` for every file of a project, within a file and from other files
 * (read with `readLayer`, without their includes). Files and resolved
 * services are remembered for the whole project.
 */
export class ExtendsResolver {
  /** Files named by `extends.file`, by the variables they were read with and path; null while loading or when unreadable. */
  private readonly extendsFiles = new Map<Environment, Map<string, ComposeLayer | null>>();
  /** Services with their extends resolved, by the tree of the file they are in. */
  private readonly resolved = new WeakMap<TreeMap, Map<string, TreeMap>>();

  constructor(
    private readonly host: LoaderHost,
    private readonly readLayer: ReadLayer,
  ) {}

  /** Resolves `extends` for every service of a file, within it and from other files. */
  apply(layer: ComposeLayer, environment: Environment): TreeMap {
    const services = child(layer.tree, "services");
    if (!isMap(services)) return layer.tree;
    const entries = new Map<string, Tree>();
    for (const [name, service] of services.entries) {
      entries.set(name, isMap(service) && !name.startsWith("x-") ? this.resolveService(layer, name, environment) : service);
    }
    return withEntry(layer.tree, "services", { ...services, entries });
  }

  /**
   * A service with its `extends` chain merged in, base first. The chain is
   * followed down without recursion to a service that extends nothing, or
   * to one already resolved, and merged on the way back up; every service
   * on it is remembered, so that a chain of thousands of services, each
   * extending the one before, is walked once and not once per service.
   */
  private resolveService(layer: ComposeLayer, name: string, environment: Environment): TreeMap {
    const links: ExtendsLink[] = [];
    const onChain = new Set<string>();
    let current = { layer, name };
    let result: TreeMap;
    for (;;) {
      const known = this.resolvedIn(current.layer).get(current.name);
      if (known) {
        result = known;
        break;
      }
      const here = `${current.layer.path}#${current.name}`;
      const step = this.extendsStep(current.layer, current.name, environment, links, onChain.has(here));
      onChain.add(here);
      if (step.kind === "done") {
        result = step.service;
        // A service reached again around a cycle is not resolved by what it became there.
        if (!step.cycle) this.resolvedIn(current.layer).set(current.name, result);
        break;
      }
      links.push(step.link);
      current = step.base;
    }
    for (let i = links.length - 1; i >= 0; i--) {
      const link = links[i]!;
      const base = link.baseLayer !== link.layer ? rebaseService(result, posix.dirname(link.baseLayer.path)) : result;
      result = mergeService(base, link.own, link.name, this.host.diagnostics);
      this.resolvedIn(link.layer).set(link.name, result);
    }
    return result;
  }

  /** The services of a layer already resolved, by name: a file loaded twice (another environment) is another layer. */
  private resolvedIn(layer: ComposeLayer): Map<string, TreeMap> {
    let known = this.resolved.get(layer.tree);
    if (!known) this.resolved.set(layer.tree, (known = new Map()));
    return known;
  }

  /** One service of a chain: what it extends, or the service itself when it extends nothing (or cannot). */
  private extendsStep(layer: ComposeLayer, name: string, environment: Environment, links: readonly ExtendsLink[], again: boolean): ExtendsStep {
    const { diagnostics } = this.host;
    const service = child(child(layer.tree, "services"), name) as TreeMap;
    const ext = child(service, "extends");
    if (!ext) return { kind: "done", service, cycle: false };
    const own = withEntry(service, "extends", undefined);
    const ref = ext.kind === "scalar" ? text(ext) : text(child(ext, "service"));
    const refAt = ext.kind === "map" ? (child(ext, "service")?.at ?? ext.at) : ext.at;
    if (!ref) {
      diagnostics.error("schema", `service "${name}": extends needs the name of a service`, ext.at);
      return { kind: "done", service: own, cycle: false };
    }
    if (again) {
      const cycle = [...links.map((l) => l.name), name];
      diagnostics.error("extends-cycle", `extends cycle: ${cycle.join(" extends ")}`, refAt);
      return { kind: "done", service: own, cycle: true };
    }
    let baseLayer = layer;
    const file = ext.kind === "map" ? child(ext, "file") : undefined;
    if (file) {
      const written = text(file) ?? "";
      const path = inputPath(written, posix.dirname(layer.path), environment);
      const loaded = this.extendsFile(path, environment);
      if (!loaded) {
        const refused = this.host.readFile(path) === undefined && this.host.exists(path);
        const why = refused ? this.host.whyUnread(path) : "cannot be read";
        diagnostics.error(
          "missing-input",
          `service "${name}" extends a service in ${this.host.display(path)}, which ${why}${unexpandedHomeNote(written, environment)}`,
          file.at,
        );
        return { kind: "done", service: own, cycle: false };
      }
      baseLayer = loaded;
    }
    const base = child(child(baseLayer.tree, "services"), ref);
    if (!isMap(base)) {
      const where = baseLayer === layer ? "" : ` in ${baseLayer.display}`;
      diagnostics.error("undefined-reference", `service "${name}" extends undefined service "${ref}"${where}`, refAt);
      return { kind: "done", service: own, cycle: false };
    }
    return { kind: "next", link: { layer, name, own, baseLayer }, base: { layer: baseLayer, name: ref } };
  }

  /** A file named by `extends.file`: parsed and interpolated with the variables of the project naming it, without includes, loaded once. */
  private extendsFile(path: string, environment: Environment): ComposeLayer | undefined {
    let files = this.extendsFiles.get(environment);
    if (!files) this.extendsFiles.set(environment, (files = new Map()));
    const cached = files.get(path);
    if (cached !== undefined) return cached ?? undefined;
    files.set(path, null);
    const content = this.host.readFile(path);
    const layer = content === undefined ? undefined : this.readLayer(path, content, this.host.display(path), environment);
    files.set(path, layer ?? null);
    return layer;
  }
}

/** A service that extends another: itself without `extends`, and the layer its base is in. */
interface ExtendsLink {
  readonly layer: ComposeLayer;
  readonly name: string;
  readonly own: TreeMap;
  readonly baseLayer: ComposeLayer;
}

type ExtendsStep =
  | { readonly kind: "done"; readonly service: TreeMap; readonly cycle: boolean }
  | { readonly kind: "next"; readonly link: ExtendsLink; readonly base: { layer: ComposeLayer; name: string } };

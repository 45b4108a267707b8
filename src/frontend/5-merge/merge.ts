import type { DiagnosticBag, SourceLocation } from "../../diagnostics.js";
import { readablePath } from "../7-validate/validate-schema.js";
import { parsePort } from "../short-syntax/port.js";
import { parseVolume } from "../short-syntax/volume.js";
import { mapping, rawOf, scalar, sequence, untagged, type Tree, type TreeMap, type TreeScalar, type TreeSeq } from "../tree.js";

/**
 * The Compose Specification's merge rules, used for `-f a.yml -f b.yml`, for
 * `extends` and for override files: mappings merge key by key, sequences
 * append, scalars are replaced; `command`, `entrypoint` and
 * `healthcheck.test` are replaced whole; `environment`, `labels` and the
 * other key=value lists merge by name; `depends_on` and `networks` merge as
 * mappings whatever their spelling; `!reset` removes a value and `!override`
 * replaces it. Every value keeps the position of the file it came from.
 */
export function mergeTrees(base: Tree, over: Tree, path: readonly string[], diagnostics: DiagnosticBag): Tree {
  if (over.tag === "override") return untagged(over);
  const special = SPECIAL_RULES.find(path);
  if (special) return special(base, over, path, diagnostics);
  if (over.kind === "scalar" && over.value === null) return base;
  if (base.kind === "map") {
    if (over.kind !== "map") return mismatch(base, over, path, diagnostics);
    return mergeMappings(base, over, path, diagnostics);
  }
  if (base.kind === "seq") {
    if (over.kind !== "seq") return mismatch(base, over, path, diagnostics);
    return { ...base, items: [...base.items, ...over.items] };
  }
  return over;
}

/** One service extending another: the same rules, applied at `services.<name>`. */
export function mergeService(base: TreeMap, over: TreeMap, name: string, diagnostics: DiagnosticBag): TreeMap {
  const merged = mergeMappings(base, over, ["services", name], diagnostics);
  // The service is where the extending service is written.
  return { ...merged, at: over.at, ...(over.keyAt ? { keyAt: over.keyAt } : {}) };
}

export function mergeMappings(base: TreeMap, over: TreeMap, path: readonly string[], diagnostics: DiagnosticBag): TreeMap {
  const entries = new Map(base.entries);
  for (const [key, value] of over.entries) {
    const existing = entries.get(key);
    if (value.tag === "reset") entries.delete(key);
    else if (existing === undefined || value.tag === "override") entries.set(key, untagged(value));
    else entries.set(key, mergeTrees(existing, value, [...path, key], diagnostics));
  }
  return { ...base, entries };
}

function mismatch(base: Tree, over: Tree, path: readonly string[], diagnostics: DiagnosticBag): Tree {
  const kind = (t: Tree) => (t.kind === "map" ? "a mapping" : t.kind === "seq" ? "a list" : "a single value");
  diagnostics.error(
    "merge-conflict",
    `${readablePath("/" + path.join("/"))}: cannot merge ${kind(over)} into ${kind(base)} declared at ${base.at.file}:${base.at.line}:${base.at.column}`,
    over.at,
  );
  return over;
}

type Merger = (base: Tree, over: Tree, path: readonly string[], diagnostics: DiagnosticBag) => Tree;

const replace: Merger = (_base, over) => over;

/** key=value lists and mappings become one list, later entries winning by name (see enforceUnicity). */
const toSequence: Merger = (base, over) => {
  const a = asSequence(base);
  const b = asSequence(over);
  return sequence([...a, ...b], base.at, base.keyAt);
};

const mergeExtraHosts: Merger = (base, over) => {
  const a = asSequence(base, true);
  const seen = new Set(a.map(itemKey));
  const b = asSequence(over, true).filter((i) => !seen.has(itemKey(i)));
  return sequence([...a, ...b], base.at, base.keyAt);
};

const mergeBuild: Merger = (base, over, path, diagnostics) => {
  const asBuild = (t: Tree): TreeMap => (t.kind === "map" ? t : mapping(new Map([["context", t]]), t.at, t.keyAt));
  return mergeMappings(asBuild(base), asBuild(over), path, diagnostics);
};

const mergeDependsOn: Merger = (base, over, path, diagnostics) => mergeMappings(asMapping(base, true), asMapping(over, true), path, diagnostics);

const mergeNetworks: Merger = (base, over, path, diagnostics) => mergeMappings(asMapping(base, false), asMapping(over, false), path, diagnostics);

/** Logging options merge only when both sides name the same driver, or one names none. */
const mergeLogging: Merger = (base, over, path, diagnostics) => {
  if (base.kind !== "map" || over.kind !== "map") return over;
  const d1 = base.entries.get("driver");
  const d2 = over.entries.get("driver");
  const same = !d1 || !d2 || (d1.kind === "scalar" && d2.kind === "scalar" && d1.value === d2.value);
  return same ? mergeMappings(base, over, path, diagnostics) : over;
};

/** IPAM configs merge by subnet; a new subnet is appended. */
const mergeIpamConfig: Merger = (base, over, path, diagnostics) => {
  if (base.kind !== "seq" || over.kind !== "seq") return over;
  const items = [...base.items];
  for (const item of over.items) {
    const subnet = item.kind === "map" ? scalarText(item.entries.get("subnet")) : undefined;
    const i = items.findIndex((b) => b.kind === "map" && subnet !== undefined && scalarText(b.entries.get("subnet")) === subnet);
    const existing = i >= 0 ? items[i] : undefined;
    if (existing?.kind === "map" && item.kind === "map") items[i] = mergeMappings(existing, item, path, diagnostics);
    else items.push(item);
  }
  return { ...base, items };
};

const SPECIALS: readonly (readonly [string, Merger])[] = [
  ["services.*.build", mergeBuild],
  ["services.*.command", replace],
  ["services.*.entrypoint", replace],
  ["services.*.healthcheck.test", replace],
  ["services.*.depends_on", mergeDependsOn],
  ["services.*.networks", mergeNetworks],
  ["services.*.logging", mergeLogging],
  ["services.*.ulimits.*", replace],
  ["services.*.extra_hosts", mergeExtraHosts],
  ["services.*.build.extra_hosts", mergeExtraHosts],
  ["networks.*.ipam.config", mergeIpamConfig],
  ...[
    "networks.*.labels",
    "volumes.*.labels",
    "services.*.annotations",
    "services.*.build.args",
    "services.*.build.additional_contexts",
    "services.*.build.labels",
    "services.*.deploy.labels",
    "services.*.dns",
    "services.*.dns_opt",
    "services.*.dns_search",
    "services.*.env_file",
    "services.*.label_file",
    "services.*.environment",
    "services.*.labels",
    "services.*.sysctls",
    "services.*.tmpfs",
  ].map((p) => [p, toSequence] as const),
];

/**
 * Dotted path patterns (`services.*.ports`), split once and grouped by
 * length: every node of every file is looked up, so a lookup compares only
 * the patterns of its own depth.
 */
class PathRules<T> {
  private readonly byLength = new Map<number, { parts: readonly string[]; value: T }[]>();

  constructor(rules: readonly (readonly [string, T])[]) {
    for (const [pattern, value] of rules) {
      const parts = pattern.split(".");
      const list = this.byLength.get(parts.length) ?? [];
      list.push({ parts, value });
      this.byLength.set(parts.length, list);
    }
  }

  /** The first rule whose pattern matches `path`, in the order given. */
  find(path: readonly string[]): T | undefined {
    const candidates = this.byLength.get(path.length);
    if (!candidates) return undefined;
    for (const { parts, value } of candidates) if (parts.every((p, i) => p === "*" || p === path[i])) return value;
    return undefined;
  }

  /** Whether a rule may match below `path`: some pattern is longer and starts with it. */
  reachesBelow(path: readonly string[]): boolean {
    for (const [length, list] of this.byLength) {
      if (length <= path.length) continue;
      for (const { parts } of list) if (path.every((p, i) => parts[i] === "*" || parts[i] === p)) return true;
    }
    return false;
  }
}

const SPECIAL_RULES = new PathRules(SPECIALS);

/**
 * `{A: 1, B: null}` → `["A=1", "B"]` (sorted, as compose does); a list
 * stays; a single value becomes a list of one. With `listValues` (extra
 * hosts), `{h: [ip1, ip2]}` gives an entry per address. A value that fits
 * none of these stays the node it is, so that the schema reports it where it
 * was written instead of it becoming text.
 */
function asSequence(t: Tree, listValues = false): Tree[] {
  if (t.kind === "seq") return [...t.items];
  if (t.kind === "scalar") return t.value === null ? [] : [untagged(t)];
  const out: { text: string; node: Tree }[] = [];
  for (const [k, v] of t.entries) {
    if (v.tag === "reset") continue;
    if (v.kind === "scalar" && v.value === null) out.push({ text: k, node: scalar(k, v.keyAt ?? v.at) });
    else if (v.kind === "scalar") out.push(entry(k, v.value, v.at));
    else if (listValues && v.kind === "seq" && v.items.every((i) => i.kind === "scalar" && i.value !== null)) {
      for (const item of v.items) out.push(entry(k, (item as TreeScalar).value, item.at));
    } else out.push({ text: k, node: untagged(v) });
  }
  return out.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0)).map((e) => e.node);
}

function entry(key: string, value: TreeScalar["value"], at: SourceLocation): { text: string; node: Tree } {
  const text = `${key}=${String(value)}`;
  return { text, node: scalar(text, at) };
}

/** `[a, b]` → `{a: <default>, b: <default>}` for depends_on (condition and required) and networks (null). */
function asMapping(t: Tree, dependsOn: boolean): TreeMap {
  if (t.kind === "map") return t;
  const entries = new Map<string, Tree>();
  if (t.kind === "seq") {
    for (const item of t.items) {
      const name = scalarText(item);
      if (name === undefined) continue;
      const value: Tree = dependsOn
        ? mapping(
            new Map<string, Tree>([
              ["condition", scalar("service_started", item.at)],
              ["required", scalar(true, item.at)],
            ]),
            item.at,
            item.at,
          )
        : scalar(null, item.at, item.at);
      entries.set(name, value);
    }
  }
  return mapping(entries, t.at, t.keyAt);
}

function scalarText(t: Tree | undefined): string | undefined {
  return t?.kind === "scalar" && t.value !== null ? String(t.value) : undefined;
}

function itemKey(t: Tree): string {
  return t.kind === "scalar" ? String(t.value) : JSON.stringify(rawOf(t));
}

type Indexer = (item: Tree) => string;

const keyValue: Indexer = (item) => {
  const text = itemKey(item);
  const eq = text.indexOf("=");
  return eq < 0 ? text : text.slice(0, eq);
};

const UNIQUE: readonly (readonly [string, Indexer])[] = [
  ...[
    "networks.*.labels",
    "networks.*.ipam.options",
    "services.*.annotations",
    "services.*.build.args",
    "services.*.build.additional_contexts",
    "services.*.build.platforms",
    "services.*.build.tags",
    "services.*.build.labels",
    "services.*.cap_add",
    "services.*.cap_drop",
    "services.*.deploy.labels",
    "services.*.dns",
    "services.*.dns_opt",
    "services.*.dns_search",
    "services.*.environment",
    "services.*.labels",
    "services.*.links",
    "services.*.networks.*.aliases",
    "services.*.networks.*.link_local_ips",
    "services.*.profiles",
    "services.*.sysctls",
    "services.*.tmpfs",
    "services.*.extra_hosts",
  ].map((p) => [p, keyValue] as const),
  ["services.*.devices", deviceTarget],
  ["services.*.configs", mountTarget("")],
  ["services.*.secrets", mountTarget("/run/secrets")],
  ["services.*.env_file", envFilePath],
  ["services.*.expose", itemKey],
  ["services.*.ports", portIdentity],
  ["services.*.volumes", volumeTarget],
];

const UNIQUE_RULES = new PathRules(UNIQUE);

/**
 * Removes redefinitions from the lists compose keeps unique: a later entry
 * with the same identity (environment name, volume target, port binding...)
 * replaces the earlier one in its place. Compose applies this to every file,
 * merged or not.
 */
export function enforceUnicity(tree: Tree, path: string[] = []): Tree {
  // Nodes with nothing to drop are returned as they are: copying every mapping of a large project cost more than the rule.
  if (tree.kind === "map") {
    // Most of a project (healthchecks, dependencies, extensions...) holds no list a rule applies to.
    if (!UNIQUE_RULES.reachesBelow(path)) return tree;
    let entries: Map<string, Tree> | undefined;
    for (const [k, v] of tree.entries) {
      path.push(k);
      const unique = enforceUnicity(v, path);
      path.pop();
      if (unique !== v) (entries ??= new Map(tree.entries)).set(k, unique);
    }
    return entries ? { ...tree, entries } : tree;
  }
  if (tree.kind === "seq") {
    // One item is unique whatever its identity (a port's or a volume's takes parsing to learn).
    if (tree.items.length === 1 && tree.items[0]!.tag !== "reset") return tree;
    const rule = UNIQUE_RULES.find(path);
    if (!rule) return tree;
    const items: Tree[] = [];
    const index = new Map<string, number>();
    for (const item of tree.items) {
      if (item.tag === "reset") continue;
      const key = rule(item);
      const at = index.get(key);
      if (at === undefined) {
        index.set(key, items.length);
        items.push(item);
      } else items[at] = item;
    }
    if (items.length === tree.items.length && items.every((item, i) => item === tree.items[i])) return tree;
    return { ...tree, items } satisfies TreeSeq;
  }
  return tree;
}

function deviceTarget(item: Tree): string {
  if (item.kind === "map") return scalarText(item.entries.get("target")) ?? itemKey(item);
  const parts = itemKey(item).split(":");
  return parts.length === 1 ? parts[0]! : parts[1]!;
}

function mountTarget(prefix: string): Indexer {
  return (item) => {
    if (item.kind === "map") return scalarText(item.entries.get("target")) ?? `${prefix}/${scalarText(item.entries.get("source")) ?? ""}`;
    return `${prefix}/${itemKey(item)}`;
  };
}

function envFilePath(item: Tree): string {
  return item.kind === "map" ? (scalarText(item.entries.get("path")) ?? itemKey(item)) : itemKey(item);
}

/** A volume's identity is its target; an entry that does not parse is kept apart under its text, for normalization to report. */
function volumeTarget(item: Tree): string {
  if (item.kind === "map") return scalarText(item.entries.get("target")) ?? itemKey(item);
  const volume = parseVolume(itemKey(item));
  return volume.ok ? volume.value.target : itemKey(item);
}

/** A port binding's identity: host IP, published port, container port and protocol, however it is spelled. */
function portIdentity(item: Tree): string {
  if (item.kind === "map") {
    const get = (k: string) => scalarText(item.entries.get(k));
    return bindingIdentity(get("host_ip"), get("published"), get("target") ?? "", (get("protocol") ?? "tcp").toLowerCase());
  }
  const port = parsePort(itemKey(item));
  return port.ok ? bindingIdentity(port.value.hostIp, port.value.published, port.value.target, port.value.protocol) : itemKey(item);
}

function bindingIdentity(hostIp: string | undefined, published: string | undefined, target: string, protocol: string): string {
  return `${hostIp || "0.0.0.0"}:${published ?? ""}:${target}/${protocol}`;
}

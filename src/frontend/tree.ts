import type { SourceLocation } from "../diagnostics.js";
import { LocationIndex, childPointer, unescapeSegment, type PositionSource } from "./location-index.js";
import type { RawMapping, RawValue } from "./parse-yaml.js";

/**
 * A compose document in which every value carries the place it was written.
 * Multi-file merge, `extends` and `include` move values between documents
 * from different files; working on this tree, a value keeps its own file,
 * line and column wherever it ends up. `flattenTree` turns it back into
 * plain data plus a LocationIndex for the later phases.
 */
export type Tree = TreeScalar | TreeSeq | TreeMap;

/** `!reset` drops the value (and what it would override); `!override` replaces instead of merging. */
export type MergeTag = "reset" | "override";

interface TreeBase {
  /** Where the value starts. */
  readonly at: SourceLocation;
  /** Where the key naming it in its mapping starts, when it has one. */
  readonly keyAt?: SourceLocation;
  readonly tag?: MergeTag;
}

export interface TreeScalar extends TreeBase {
  readonly kind: "scalar";
  readonly value: null | boolean | number | string;
}

export interface TreeSeq extends TreeBase {
  readonly kind: "seq";
  readonly items: readonly Tree[];
}

export interface TreeMap extends TreeBase {
  readonly kind: "map";
  readonly entries: ReadonlyMap<string, Tree>;
}

/** Builds the tree of a parsed (and interpolated) document from its positions and merge tags. */
export function treeOf(value: RawValue, locations: LocationIndex, tags: ReadonlyMap<string, MergeTag> = new Map(), pointer = "", named = false): Tree {
  let node: { -readonly [K in keyof TreeBase]: TreeBase[K] } & (
    { kind: "seq"; items: Tree[] } | { kind: "map"; entries: Map<string, Tree> } | { kind: "scalar"; value: TreeScalar["value"] }
  );
  const at = locations.value(pointer);
  if (Array.isArray(value)) {
    const items: Tree[] = [];
    for (let i = 0; i < value.length; i++) items.push(treeOf(value[i]!, locations, tags, childPointer(pointer, i), false));
    node = { kind: "seq", items, at };
  } else if (value !== null && typeof value === "object") {
    const entries = new Map<string, Tree>();
    for (const k in value) if (Object.hasOwn(value, k)) entries.set(k, treeOf(value[k]!, locations, tags, childPointer(pointer, k), true));
    node = { kind: "map", entries, at };
  } else {
    node = { kind: "scalar", value, at };
  }
  // Set one by one rather than spread: this runs for every value of every file.
  if (named) node.keyAt = locations.key(pointer);
  if (tags.size > 0) {
    const tag = tags.get(pointer);
    if (tag) node.tag = tag;
  }
  return node;
}

/**
 * Plain data and a position index for it; values tagged `!reset` that
 * nothing consumed are dropped. The index reads positions from the tree
 * when asked.
 */
export function flattenTree(tree: Tree, defaultFile: string): { value: RawValue; locations: LocationIndex } {
  return { value: rawOf(tree), locations: new LocationIndex(defaultFile, new TreePositions(tree)) };
}

/** The positions of a tree by the pointers of its plain data, where `!reset` values are gone. */
class TreePositions implements PositionSource {
  constructor(private readonly root: Tree) {}

  value(pointer: string): SourceLocation | undefined {
    return this.nodeAt(pointer)?.at;
  }

  key(pointer: string): SourceLocation | undefined {
    return this.nodeAt(pointer)?.keyAt;
  }

  private nodeAt(pointer: string): Tree | undefined {
    let node: Tree | undefined = this.root;
    let start = 1;
    while (node !== undefined && start <= pointer.length) {
      const end = pointer.indexOf("/", start);
      const segment = unescapeSegment(pointer.slice(start, end < 0 ? pointer.length : end));
      node = keptChild(node, segment);
      start = end < 0 ? pointer.length + 1 : end + 1;
    }
    return node;
  }
}

/** The child a pointer segment names, counting only the values flattening keeps. */
function keptChild(node: Tree, segment: string): Tree | undefined {
  if (node.kind === "map") {
    const v = node.entries.get(segment);
    return v?.tag === "reset" ? undefined : v;
  }
  if (node.kind !== "seq" || !ARRAY_INDEX.test(segment)) return undefined;
  return keptItems(node)[Number(segment)];
}

const keptItemsOf = new WeakMap<TreeSeq, readonly Tree[]>();

function keptItems(seq: TreeSeq): readonly Tree[] {
  let kept = keptItemsOf.get(seq);
  if (!kept) keptItemsOf.set(seq, (kept = seq.items.some((i) => i.tag === "reset") ? seq.items.filter((i) => i.tag !== "reset") : seq.items));
  return kept;
}

/**
 * Plain data, a position index and the merge tags by pointer, with every
 * value kept (`!reset` ones too): the parsed form of one file, for the
 * passes that work on plain data (lifting the v1 format).
 */
export function indexTree(tree: Tree, defaultFile: string): { value: RawValue; locations: LocationIndex; tags: Map<string, MergeTag> } {
  const locations = new LocationIndex(defaultFile);
  const tags = new Map<string, MergeTag>();
  const walk = (node: Tree, pointer: string): RawValue => {
    locations.setValue(pointer, node.at);
    if (node.keyAt) locations.setKey(pointer, node.keyAt);
    if (node.tag) tags.set(pointer, node.tag);
    switch (node.kind) {
      case "scalar":
        return node.value;
      case "seq": {
        const out: RawValue[] = [];
        for (const item of node.items) out.push(walk(item, childPointer(pointer, out.length)));
        return out;
      }
      case "map": {
        const out: RawMapping = {};
        for (const [k, v] of node.entries) out[k] = walk(v, childPointer(pointer, k));
        return out;
      }
    }
  };
  return { value: walk(tree, ""), locations, tags };
}

/** The plain value of a tree, without positions. */
export function rawOf(tree: Tree): RawValue {
  switch (tree.kind) {
    case "scalar":
      return tree.value;
    case "seq": {
      const out: RawValue[] = [];
      for (const item of tree.items) if (item.tag !== "reset") out.push(rawOf(item));
      return out;
    }
    case "map": {
      const out: RawMapping = {};
      for (const [k, v] of tree.entries) if (v.tag !== "reset") out[k] = rawOf(v);
      return out;
    }
  }
}

export function scalar(value: TreeScalar["value"], at: SourceLocation, keyAt?: SourceLocation): TreeScalar {
  return { kind: "scalar", value, at, ...(keyAt ? { keyAt } : {}) };
}

export function mapping(entries: ReadonlyMap<string, Tree>, at: SourceLocation, keyAt?: SourceLocation): TreeMap {
  return { kind: "map", entries, at, ...(keyAt ? { keyAt } : {}) };
}

export function sequence(items: readonly Tree[], at: SourceLocation, keyAt?: SourceLocation): TreeSeq {
  return { kind: "seq", items, at, ...(keyAt ? { keyAt } : {}) };
}

/** A copy of a mapping node with one entry set (or removed, with `undefined`). */
export function withEntry(node: TreeMap, key: string, value: Tree | undefined): TreeMap {
  const entries = new Map(node.entries);
  if (value === undefined) entries.delete(key);
  else entries.set(key, value);
  return { ...node, entries };
}

export function untagged<T extends Tree>(node: T): T {
  if (!node.tag) return node;
  const { tag: _tag, ...rest } = node;
  return rest as T;
}

export function child(node: Tree | undefined, key: string): Tree | undefined {
  return node?.kind === "map" ? node.entries.get(key) : undefined;
}

export function text(node: Tree | undefined): string | undefined {
  if (node?.kind !== "scalar" || node.value === null) return undefined;
  return String(node.value);
}

export function isMap(node: Tree | undefined): node is TreeMap {
  return node?.kind === "map";
}

/** Structural equality of the plain values, as compose compares an included resource with a local one. */
export function sameValue(a: Tree, b: Tree): boolean {
  return JSON.stringify(canonical(rawOf(a))) === JSON.stringify(canonical(rawOf(b)));
}

function canonical(v: RawValue): RawValue {
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === "object") {
    const out: RawMapping = {};
    for (const k of Object.keys(v).sort()) out[k] = canonical(v[k]!);
    return out;
  }
  return v;
}

const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;

/**
 * The entries in the order a plain object would list them: keys that are
 * array indices first, ascending, then the others as written. The rest of
 * the front end has always seen mappings as plain objects, so keys like
 * `"80"` keep coming first wherever order shows (messages, merges).
 */
export function inObjectOrder(entries: Map<string, Tree>): Map<string, Tree> {
  let indices: string[] | undefined;
  for (const k of entries.keys()) if (ARRAY_INDEX.test(k) && Number(k) < 4294967295) (indices ??= []).push(k);
  if (!indices) return entries;
  indices.sort((a, b) => Number(a) - Number(b));
  const out = new Map<string, Tree>();
  for (const k of indices) out.set(k, entries.get(k)!);
  for (const [k, v] of entries) if (!out.has(k)) out.set(k, v);
  return out;
}

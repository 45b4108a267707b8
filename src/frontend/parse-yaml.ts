import { LineCounter, parseDocument, isAlias, isMap, isScalar, isSeq, isPair } from "yaml";
import type { Node as YamlNode, Document } from "yaml";
import type { DiagnosticBag, SourceLocation } from "../diagnostics.js";
import type { LocationIndex } from "./location-index.js";
import { readBlockYaml } from "./read-block-yaml.js";
import { indexTree, inObjectOrder, type MergeTag, type Tree, type TreeScalar } from "./tree.js";

/** A compose file as given: a path for messages and its text. */
export interface SourceFile {
  readonly path: string;
  readonly content: string;
}

/** Plain data as YAML describes it; what the rest of the front end works on. */
export type RawValue = null | boolean | number | string | RawValue[] | { [key: string]: RawValue };
export type RawMapping = { [key: string]: RawValue };

export interface ParsedFile {
  readonly value: RawValue;
  readonly locations: LocationIndex;
  /** Values written with compose's `!reset` or `!override` tag, by JSON pointer. */
  readonly tags: ReadonlyMap<string, MergeTag>;
}

/** parseYamlTree's result as plain data, a position index and the merge tags by JSON pointer. */
export function parseYamlFile(file: SourceFile, diagnostics: DiagnosticBag): ParsedFile | undefined {
  const tree = parseYamlTree(file, diagnostics);
  return tree ? indexTree(tree, file.path) : undefined;
}

/**
 * Parses YAML into a tree whose every value carries the source position of
 * its key and value, so that later phases can point at the exact place of a
 * fault. Anchors, aliases and `<<` merge keys are resolved here, each value
 * keeping the position where it was written.
 */
export function parseYamlTree(file: SourceFile, diagnostics: DiagnosticBag): Tree | undefined {
  return readBlockYaml(file) ?? parseWithYamlPackage(file, diagnostics);
}

/** The general path, for any YAML: the yaml package's document, converted into a tree. */
export function parseWithYamlPackage(file: SourceFile, diagnostics: DiagnosticBag): Tree | undefined {
  const lineCounter = new LineCounter();
  // The yaml package's own duplicate-key check compares each key with every earlier one, which is
  // quadratic in a mapping's size (a `services:` with thousands of entries); the Converter checks instead.
  const doc = parseDocument(file.content, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const locate = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file: file.path, line, column: col };
  };

  for (const error of doc.errors) {
    diagnostics.error("yaml-syntax", cleanYamlMessage(error.message), locate(error.pos[0]));
  }
  if (doc.errors.length > 0) return undefined;
  const converter = new Converter(doc, locate, diagnostics);
  return converter.convert(doc.contents as YamlNode | null, { file: file.path, line: 1, column: 1 });
}

function cleanYamlMessage(message: string): string {
  // The yaml package appends "at line X, column Y:" and a code frame; we print our own location.
  return message.split(" at line ")[0]!.trim();
}

/**
 * The tags a compose file may carry: compose's two merge tags, `!` (a plain
 * string), and YAML's core schema. Others (`!!omap`, `!!set`, `!!binary`,
 * `!!timestamp`, application tags) would give values compose does not read
 * the same way, or none at all.
 */
const CORE_TAGS = ["str", "int", "float", "bool", "null", "map", "seq"] as const;
const ACCEPTED_TAGS: ReadonlySet<string> = new Set(["!", "!reset", "!override", ...CORE_TAGS.map((t) => `tag:yaml.org,2002:${t}`)]);

/** `tag:yaml.org,2002:omap` as it is written, `!!omap`. */
function shortTag(tag: string): string {
  return tag.startsWith("tag:yaml.org,2002:") ? `!!${tag.slice("tag:yaml.org,2002:".length)}` : tag;
}

/** A tree node under construction: positions and tags are set after its value, in that order. */
type Building = Mutable<Tree>;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

class Converter {
  /** Mappings whose keys were already checked for duplicates: an anchored mapping is converted at every alias. */
  private readonly checked = new WeakSet<readonly unknown[]>();

  constructor(
    private readonly doc: Document,
    private readonly locate: (offset: number) => SourceLocation,
    private readonly diagnostics: DiagnosticBag,
  ) {}

  /**
   * `outer` is the position of the enclosing collection, which a value
   * without a position of its own takes; `keyAt` the position of the key
   * naming it in its mapping.
   */
  convert(node: YamlNode | null, outer: SourceLocation, keyAt?: SourceLocation, aliasDepth = 0): Tree {
    if (node === null || node === undefined) return this.finish({ kind: "scalar", value: null, at: outer }, keyAt, undefined);
    const at = node.range ? this.locate(node.range[0]) : outer;
    if (isAlias(node)) {
      if (aliasDepth > 64) {
        this.diagnostics.error("yaml-syntax", "alias nesting is too deep", this.where(node));
        return this.finish({ kind: "scalar", value: null, at }, keyAt, undefined);
      }
      const target = node.resolve(this.doc) as YamlNode | undefined;
      if (!target) {
        this.diagnostics.error("yaml-syntax", `unknown alias *${node.source}`, this.where(node));
        return this.finish({ kind: "scalar", value: null, at }, keyAt, undefined);
      }
      const value = this.convert(target, at, keyAt, aliasDepth + 1) as Building;
      // The alias is where the user wrote this value into this place.
      value.at = at;
      return value;
    }
    const tag = (node as { tag?: string }).tag;
    if (tag !== undefined && !ACCEPTED_TAGS.has(tag)) {
      this.diagnostics.error("yaml-syntax", `the YAML tag ${shortTag(tag)} is not accepted in a compose file: only !reset, !override and the core tags (${CORE_TAGS.map((t) => "!!" + t).join(", ")}) are`, at);
      return this.finish({ kind: "scalar", value: null, at }, keyAt, undefined);
    }
    const mergeTag: MergeTag | undefined = tag === "!reset" ? "reset" : tag === "!override" ? "override" : undefined;
    if (isScalar(node)) return this.finish({ kind: "scalar", value: this.scalar(node.value, node), at }, keyAt, mergeTag);
    if (isSeq(node)) {
      const items: Tree[] = [];
      for (const item of node.items) items.push(this.convert(item as YamlNode, at, undefined, aliasDepth));
      return this.finish({ kind: "seq", items, at }, keyAt, mergeTag);
    }
    if (isMap(node)) return this.finish({ kind: "map", entries: this.mapping(node.items, at, aliasDepth), at }, keyAt, mergeTag);
    this.diagnostics.error("yaml-syntax", "unsupported YAML node", at);
    return this.finish({ kind: "scalar", value: null, at }, keyAt, undefined);
  }

  /** Sets the optional fields in the order every tree node has them (see treeOf): their JSON text is compared. */
  private finish(node: Building, keyAt: SourceLocation | undefined, tag: MergeTag | undefined): Tree {
    if (keyAt) node.keyAt = keyAt;
    if (tag) node.tag = tag;
    return node;
  }

  private mapping(items: readonly unknown[], at: SourceLocation, aliasDepth: number): Map<string, Tree> {
    this.checkUniqueKeys(items);
    const sources: unknown[] = [];
    const pairs: { key: string; keyNode: YamlNode | null; value: YamlNode | null }[] = [];
    for (const pair of items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as YamlNode | null;
      const key = this.keyText(keyNode);
      // A plain object cannot hold this key; it has always been left out.
      if (key === undefined || key === "__proto__") continue;
      if (key === "<<" && isScalar(keyNode) && keyNode.source === "<<") {
        const source = pair.value as YamlNode;
        sources.push(...(isSeq(source) ? source.items : [source]));
        continue;
      }
      pairs.push({ key, keyNode, value: pair.value as YamlNode | null });
    }
    const entries = new Map<string, Tree>();
    for (const { key, keyNode, value } of pairs) {
      const keyAt = keyNode?.range ? this.locate(keyNode.range[0]) : undefined;
      const child = this.convert(value, at, keyAt, aliasDepth) as Building;
      // A key without a position of its own is placed where its value is.
      if (!keyAt) {
        const tag = child.tag;
        delete child.tag;
        this.finish(child, child.at, tag);
      }
      entries.set(key, child);
    }
    // `<<: *base` or `<<: [*a, *b]`: explicit keys win, earlier sources win over later ones.
    for (const item of sources) {
      const resolved = isAlias(item) ? (item.resolve(this.doc) as YamlNode | undefined) : (item as YamlNode);
      if (isAlias(item) && !resolved) {
        this.diagnostics.error("yaml-syntax", `unknown alias *${item.source}`, this.where(item as YamlNode));
        continue;
      }
      if (!isMap(resolved)) {
        this.diagnostics.error("yaml-syntax", "a `<<` merge key needs a mapping or a list of mappings", this.where(item as YamlNode));
        continue;
      }
      for (const [k, v] of this.mapping(resolved.items, at, aliasDepth + 1)) if (!entries.has(k)) entries.set(k, v);
    }
    return inObjectOrder(entries);
  }

  /** YAML forbids a key twice in one mapping; keys are compared as the yaml package does, by scalar value. */
  private checkUniqueKeys(items: readonly unknown[]): void {
    if (this.checked.has(items)) return;
    this.checked.add(items);
    const seen = new Set<unknown>();
    for (const pair of items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const key = pair.key.value;
      if (seen.has(key)) this.diagnostics.error("yaml-syntax", "Map keys must be unique", this.where(pair.key));
      seen.add(key);
    }
  }

  private keyText(node: YamlNode | null): string | undefined {
    if (isScalar(node)) {
      const v = node.value;
      if (v === null) return "null";
      if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return String(v);
    }
    this.diagnostics.error("yaml-syntax", "mapping keys must be plain scalars", node ? this.where(node) : undefined);
    return undefined;
  }

  private scalar(value: unknown, node: YamlNode): TreeScalar["value"] {
    if (value === null || typeof value === "string" || typeof value === "boolean") return value;
    // Compose files write permission bits the YAML 1.1 way (`mode: 0440`), and docker compose reads them as octal.
    if (typeof value === "number") return isScalar(node) && /^0[0-7]+$/.test(node.source ?? "") ? Number.parseInt(node.source!, 8) : value;
    if (typeof value === "bigint") return Number(value);
    if (value instanceof Date) return value.toISOString();
    this.diagnostics.error("yaml-syntax", "unsupported scalar type", this.where(node));
    return null;
  }

  private where(node: YamlNode): SourceLocation | undefined {
    return node.range ? this.locate(node.range[0]) : undefined;
  }
}

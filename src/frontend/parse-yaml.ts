import { Composer, LineCounter, Parser, YAMLParseError, isAlias, isMap, isScalar, isSeq, isPair } from "yaml";
import type { Alias, CST, Node as YamlNode, Document } from "yaml";
import { LIMITS } from "./limits.js";
import type { DiagnosticBag, SourceLocation } from "../diagnostics.js";
import type { LocationIndex } from "./location-index.js";
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
 * fault. The yaml package reads the text; its document is converted into
 * the tree, each position taken from a node's range through its LineCounter.
 * Anchors, aliases and `<<` merge keys are resolved here, each value keeping
 * the position where it was written.
 */
export function parseYamlTree(file: SourceFile, diagnostics: DiagnosticBag): Tree | undefined {
  const lineCounter = new LineCounter();
  const locate = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file: file.path, line, column: col };
  };
  const bounded = boundedDocument(file.content, lineCounter, locate, diagnostics);
  if (!bounded) return undefined;
  const { doc, aliases } = bounded;
  for (const error of doc.errors) {
    diagnostics.error("yaml-syntax", cleanYamlMessage(error.message), locate(error.pos[0]));
  }
  if (doc.errors.length > 0) return undefined;
  const converter = new Converter(locate, diagnostics, aliases);
  const root = doc.contents as YamlNode | null;
  // Without an alias, nothing is copied: the document is as large and as deep as its syntax tree.
  if (aliases && !converter.measure(root)) return undefined;
  return converter.convert(root, { file: file.path, line: 1, column: 1 });
}

/**
 * The yaml package's document for a text, as its parseDocument makes it,
 * and whether it has any alias; or undefined (reported) when the text nests
 * deeper than the limit: the package's syntax tree is built without
 * recursion, but its document, and every pass after it, recurses once per
 * level.
 */
function boundedDocument(
  content: string,
  lineCounter: LineCounter,
  locate: (offset: number) => SourceLocation,
  diagnostics: DiagnosticBag,
): { doc: Document.Parsed; aliases: boolean } | undefined {
  const tokens = Array.from(new Parser(lineCounter.addNewLine).parse(content));
  const { tooDeep: deep, aliases } = syntaxFacts(tokens, LIMITS.nestingDepth);
  if (deep !== undefined) {
    diagnostics.error("yaml-syntax", `mappings and lists nest more than ${LIMITS.nestingDepth} levels deep here`, locate(deep));
    return undefined;
  }
  // The yaml package's own duplicate-key check compares each key with every earlier one, which is
  // quadratic in a mapping's size (a `services:` with thousands of entries); the Converter checks instead.
  const composer = new Composer({ uniqueKeys: false });
  let doc: Document.Parsed | undefined;
  for (const next of composer.compose(tokens, true, content.length)) {
    if (!doc) doc = next;
    else {
      doc.errors.push(
        new YAMLParseError([next.range[0], next.range[1]], "MULTIPLE_DOCS", "Source contains multiple documents; please use YAML.parseAllDocuments()"),
      );
      break;
    }
  }
  return doc ? { doc, aliases } : undefined;
}

/**
 * What one walk of a syntax tree (without recursion) tells: the offset of
 * the first collection nested deeper than `limit`, and whether any alias
 * is written (every node is a document's value or an item's key or value,
 * so the walk meets every alias there is, short of the part past the limit).
 */
function syntaxFacts(tokens: readonly CST.Token[], limit: number): { tooDeep: number | undefined; aliases: boolean } {
  let tooDeep: number | undefined;
  let aliases = false;
  // Two stacks side by side rather than a pair per node: this runs for every node of the file.
  const pending: CST.Token[] = [...tokens];
  const depths: number[] = tokens.map(() => 0);
  for (let token = pending.pop(); token; token = pending.pop()) {
    const outer = depths.pop()!;
    if (token.type === "alias") {
      aliases = true;
      continue;
    }
    if (token.type === "document") {
      if (token.value) {
        pending.push(token.value);
        depths.push(outer);
      }
      continue;
    }
    if (token.type !== "block-map" && token.type !== "block-seq" && token.type !== "flow-collection") continue;
    const depth = outer + 1;
    if (depth > limit) {
      if (tooDeep === undefined || token.offset < tooDeep) tooDeep = token.offset;
      continue;
    }
    for (const item of token.items) {
      if ("key" in item && item.key) {
        pending.push(item.key);
        depths.push(depth);
      }
      if (item.value) {
        pending.push(item.value);
        depths.push(depth);
      }
    }
  }
  return { tooDeep, aliases };
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

/** What a node becomes once its aliases are expanded: how many values, and how many levels of collections. */
interface Extent {
  readonly values: number;
  readonly depth: number;
}

const SCALAR_EXTENT: Extent = { values: 1, depth: 0 };

/** Stops the measuring walk at the first alias that breaks a limit. */
class AliasRefused {
  constructor(
    readonly message: string,
    readonly node: YamlNode,
  ) {}
}

class Converter {
  /**
   * Mappings whose keys were already checked for duplicates: an anchored
   * mapping is converted at every alias. Kept only when the document has
   * aliases; without them each mapping is converted once.
   */
  private readonly checked: WeakSet<readonly unknown[]> | undefined;
  /** Each alias's anchored node, found once in document order (the yaml package searches the whole document per alias). */
  private readonly targets = new Map<Alias, YamlNode>();
  /** What each anchored node expands to: only an anchored node can be copied. */
  private readonly extents = new Map<YamlNode, Extent>();
  /** Anchored collections being measured: an alias to one of them would make the value contain itself. */
  private readonly open = new Set<YamlNode>();
  private readonly anchors = new Map<string, YamlNode>();
  private copies = 0;

  constructor(
    private readonly locate: (offset: number) => SourceLocation,
    private readonly diagnostics: DiagnosticBag,
    aliases: boolean,
  ) {
    this.checked = aliases ? new WeakSet() : undefined;
  }

  /**
   * Resolves every alias and works out what expanding them costs before
   * anything is expanded: an alias bomb of a few hundred bytes would
   * otherwise be built in full, and a value that contains itself (through
   * an alias or a `<<` merge key) would be expanded forever. False when a
   * limit is broken, reported at the alias that breaks it.
   */
  measure(root: YamlNode | null): boolean {
    try {
      this.extent(root, 0);
      return true;
    } catch (e) {
      if (!(e instanceof AliasRefused)) throw e;
      this.diagnostics.error("yaml-syntax", e.message, this.where(e.node));
      return false;
    }
  }

  /**
   * Walks the document in order, as anchors are defined (an anchor holds
   * from where it is written to where it is written again), measuring each
   * node once: an alias's target is always measured before it, unless the
   * alias is inside it. `level` counts the collections around the node.
   */
  private extent(node: YamlNode | null | undefined, level: number): Extent {
    if (node === null || node === undefined) return SCALAR_EXTENT;
    if (isAlias(node)) {
      const target = this.anchors.get(node.source);
      // An unknown alias is reported where it is converted.
      if (!target) return SCALAR_EXTENT;
      this.targets.set(node, target);
      if (this.open.has(target))
        throw new AliasRefused(`alias *${node.source} is inside the value it refers to, which would then contain itself without end`, node);
      // Measured already, as it comes first in the document; measured here should that ever not hold.
      const extent = this.extents.get(target) ?? this.extent(target, level);
      this.copies += extent.values;
      if (this.copies > LIMITS.aliasCopies)
        throw new AliasRefused(`aliases copy more than ${LIMITS.aliasCopies} values into this file; up to here they copy ${this.copies}`, node);
      if (level + extent.depth > LIMITS.nestingDepth)
        throw new AliasRefused(`alias *${node.source} nests mappings and lists more than ${LIMITS.nestingDepth} levels deep`, node);
      return extent;
    }
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor) this.anchors.set(anchor, node);
    if (!isMap(node) && !isSeq(node)) {
      if (anchor) this.extents.set(node, SCALAR_EXTENT);
      return SCALAR_EXTENT;
    }
    if (anchor) this.open.add(node);
    let values = 1;
    let depth = 0;
    for (const item of node.items as unknown[]) {
      let inner: Extent;
      if (isPair(item)) {
        this.extent(item.key as YamlNode | null, level + 1);
        inner = this.extent(item.value as YamlNode | null, level + 1);
      } else inner = this.extent(item as YamlNode | null, level + 1);
      values += inner.values;
      depth = Math.max(depth, inner.depth);
    }
    const extent = { values, depth: depth + 1 };
    if (anchor) {
      this.open.delete(node);
      this.extents.set(node, extent);
    }
    return extent;
  }

  /**
   * `outer` is the position of the enclosing collection, which a value
   * without a position of its own takes; `keyAt` the position of the key
   * naming it in its mapping.
   */
  convert(node: YamlNode | null, outer: SourceLocation, keyAt?: SourceLocation): Tree {
    if (node === null || node === undefined) return this.finish({ kind: "scalar", value: null, at: outer }, keyAt, undefined);
    const at = node.range ? this.locate(node.range[0]) : outer;
    if (isAlias(node)) {
      const target = this.targets.get(node);
      if (!target) {
        this.diagnostics.error("yaml-syntax", `unknown alias *${node.source}`, this.where(node));
        return this.finish({ kind: "scalar", value: null, at }, keyAt, undefined);
      }
      const value = this.convert(target, at, keyAt) as Building;
      // The alias is where the user wrote this value into this place.
      value.at = at;
      return value;
    }
    const tag = (node as { tag?: string }).tag;
    if (tag !== undefined && !ACCEPTED_TAGS.has(tag)) {
      this.diagnostics.error(
        "yaml-syntax",
        `the YAML tag ${shortTag(tag)} is not accepted in a compose file: only !reset, !override and the core tags (${CORE_TAGS.map((t) => "!!" + t).join(", ")}) are`,
        at,
      );
      return this.finish({ kind: "scalar", value: null, at }, keyAt, undefined);
    }
    const mergeTag: MergeTag | undefined = tag === "!reset" ? "reset" : tag === "!override" ? "override" : undefined;
    if (isScalar(node)) return this.finish({ kind: "scalar", value: this.scalar(node.value, node), at }, keyAt, mergeTag);
    if (isSeq(node)) {
      const items: Tree[] = [];
      for (const item of node.items) items.push(this.convert(item as YamlNode, at, undefined));
      return this.finish({ kind: "seq", items, at }, keyAt, mergeTag);
    }
    if (isMap(node)) return this.finish({ kind: "map", entries: this.mapping(node.items, at), at }, keyAt, mergeTag);
    this.diagnostics.error("yaml-syntax", "unsupported YAML node", at);
    return this.finish({ kind: "scalar", value: null, at }, keyAt, undefined);
  }

  /** Sets the optional fields in the order treeOf sets them, so every tree node has one shape however it was built. */
  private finish(node: Building, keyAt: SourceLocation | undefined, tag: MergeTag | undefined): Tree {
    if (keyAt) node.keyAt = keyAt;
    if (tag) node.tag = tag;
    return node;
  }

  private mapping(items: readonly unknown[], at: SourceLocation): Map<string, Tree> {
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
      const child = this.convert(value, at, keyAt) as Building;
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
      const resolved = isAlias(item) ? this.targets.get(item) : (item as YamlNode);
      if (isAlias(item) && !resolved) {
        this.diagnostics.error("yaml-syntax", `unknown alias *${item.source}`, this.where(item as YamlNode));
        continue;
      }
      if (!isMap(resolved)) {
        this.diagnostics.error("yaml-syntax", "a `<<` merge key needs a mapping or a list of mappings", this.where(item as YamlNode));
        continue;
      }
      for (const [k, v] of this.mapping(resolved.items, at)) if (!entries.has(k)) entries.set(k, v);
    }
    return inObjectOrder(entries);
  }

  /** YAML forbids a key twice in one mapping; keys are compared as the yaml package does, by scalar value. */
  private checkUniqueKeys(items: readonly unknown[]): void {
    if (this.checked) {
      if (this.checked.has(items)) return;
      this.checked.add(items);
    }
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

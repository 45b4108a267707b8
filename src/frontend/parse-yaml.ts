import { LineCounter, parseDocument, isAlias, isMap, isScalar, isSeq, isPair } from "yaml";
import type { Node as YamlNode, Document } from "yaml";
import type { DiagnosticBag, SourceLocation } from "../diagnostics.js";
import { LocationIndex, pointerOf, type PathSegment } from "./location-index.js";
import type { MergeTag } from "./tree.js";

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

/**
 * Parses YAML into plain data plus the source position of every key and
 * value, so that later phases can point at the exact place of a fault.
 * Anchors, aliases and `<<` merge keys are resolved here, each value keeping
 * the position where it was written.
 */
export function parseYamlFile(file: SourceFile, diagnostics: DiagnosticBag): ParsedFile | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(file.content, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const locate = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file: file.path, line, column: col };
  };

  for (const error of doc.errors) {
    diagnostics.error("yaml-syntax", cleanYamlMessage(error.message), locate(error.pos[0]));
  }
  if (doc.errors.length > 0) return undefined;

  const locations = new LocationIndex(file.path);
  const tags = new Map<string, MergeTag>();
  const converter = new Converter(doc, locate, locations, tags, diagnostics);
  const value = converter.convert(doc.contents as YamlNode | null, []);
  return { value, locations, tags };
}

function cleanYamlMessage(message: string): string {
  // The yaml package appends "at line X, column Y:" and a code frame; we print our own location.
  return message.split(" at line ")[0]!.trim();
}

class Converter {
  constructor(
    private readonly doc: Document,
    private readonly locate: (offset: number) => SourceLocation,
    private readonly locations: LocationIndex,
    private readonly tags: Map<string, MergeTag>,
    private readonly diagnostics: DiagnosticBag,
  ) {}

  convert(node: YamlNode | null, path: PathSegment[], aliasDepth = 0): RawValue {
    if (node === null || node === undefined) return null;
    if (node.range) this.locations.setValue(pointerOf(path), this.locate(node.range[0]));
    const tag = (node as { tag?: string }).tag;
    if (tag === "!reset" || tag === "!override") this.tags.set(pointerOf(path), tag === "!reset" ? "reset" : "override");
    if (isAlias(node)) {
      if (aliasDepth > 64) {
        this.diagnostics.error("yaml-syntax", "alias nesting is too deep", this.where(node));
        return null;
      }
      const target = node.resolve(this.doc) as YamlNode | undefined;
      if (!target) {
        this.diagnostics.error("yaml-syntax", `unknown alias *${node.source}`, this.where(node));
        return null;
      }
      const value = this.convert(target, path, aliasDepth + 1);
      // The alias is where the user wrote this value into this place.
      if (node.range) this.locations.setValue(pointerOf(path), this.locate(node.range[0]));
      return value;
    }
    if (isScalar(node)) return this.scalar(node.value, node);
    if (isSeq(node)) return node.items.map((item, i) => this.convert(item as YamlNode, [...path, i], aliasDepth));
    if (isMap(node)) return this.mapping(node.items, path, aliasDepth);
    this.diagnostics.error("yaml-syntax", "unsupported YAML node", this.where(node));
    return null;
  }

  private mapping(items: readonly unknown[], path: PathSegment[], aliasDepth: number): RawMapping {
    const explicit: RawMapping = {};
    const sources: unknown[] = [];
    const pairs: { key: string; keyNode: YamlNode | null; value: YamlNode | null }[] = [];
    for (const pair of items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as YamlNode | null;
      const key = this.keyText(keyNode);
      if (key === undefined) continue;
      if (key === "<<" && isScalar(keyNode) && keyNode.source === "<<") {
        const source = pair.value as YamlNode;
        sources.push(...(isSeq(source) ? source.items : [source]));
        continue;
      }
      pairs.push({ key, keyNode, value: pair.value as YamlNode | null });
    }
    // `<<: *base` or `<<: [*a, *b]`: explicit keys win, earlier sources win over later ones.
    // Sources are converted first and in reverse, so the position that wins is written last.
    const merged: RawMapping[] = [];
    for (const item of [...sources].reverse()) {
      const resolved = isAlias(item) ? (item.resolve(this.doc) as YamlNode | undefined) : (item as YamlNode);
      if (!isMap(resolved)) {
        this.diagnostics.error("yaml-syntax", "a `<<` merge key needs a mapping or a list of mappings", this.where(item as YamlNode));
        continue;
      }
      merged.unshift(this.mapping(resolved.items, path, aliasDepth + 1));
    }
    for (const { key, keyNode, value } of pairs) {
      const childPath = [...path, key];
      if (keyNode?.range) this.locations.setKey(pointerOf(childPath), this.locate(keyNode.range[0]));
      explicit[key] = this.convert(value, childPath, aliasDepth);
    }
    const out: RawMapping = { ...explicit };
    for (const value of merged) for (const [k, v] of Object.entries(value)) if (!(k in out)) out[k] = v;
    return out;
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

  private scalar(value: unknown, node: YamlNode): RawValue {
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

import type { DiagnosticBag, DiagnosticCode, SourceLocation } from "../../diagnostics.js";
import type { LocationIndex, PathSegment } from "../location-index.js";
import { childPointer, pointerOf } from "../location-index.js";
import type { RawMapping, RawValue } from "../parse-yaml.js";

/** What normalizing one piece of the document needs to know and where it reports. */
export interface NormalizeContext {
  readonly projectName: string;
  readonly projectDirectory: string;
  readonly locations: LocationIndex;
  readonly diagnostics: DiagnosticBag;
  /** The variables `environment: [NAME]` and bare env_file names take their values from. */
  readonly environment: Readonly<Record<string, string | undefined>>;
  /** Reads a file the project refers to (env_file); undefined when it does not exist. */
  readonly readFile: (path: string) => string | undefined;
  /** Why readFile gave nothing for a path, worded to follow its name ("not found"). */
  readonly whyUnread: (path: string) => string;
  /** An absolute path as messages show it (relative to the working directory, like the compose files). */
  readonly display: (path: string) => string;
}

/** A view of one mapping in the document that knows its own path, for locating diagnostics. */
export class Node {
  /** `path` as a JSON pointer, built once: every position lookup below this node starts from it. */
  private readonly pointer: string;

  constructor(
    readonly ctx: NormalizeContext,
    readonly value: RawMapping,
    readonly path: readonly PathSegment[],
  ) {
    this.pointer = pointerOf(path);
  }

  has(key: string): boolean {
    return key in this.value && this.value[key] !== undefined;
  }

  get(key: string): RawValue | undefined {
    return this.value[key];
  }

  /** Where the value of `key` (or of a deeper path below it) is written. */
  at(...sub: PathSegment[]): SourceLocation {
    return this.ctx.locations.value(this.below(sub));
  }

  /** Where the key `key` itself is written. */
  keyAt(...sub: PathSegment[]): SourceLocation {
    return this.ctx.locations.key(this.below(sub));
  }

  private below(sub: readonly PathSegment[]): string {
    let pointer = this.pointer;
    for (const segment of sub) pointer = childPointer(pointer, segment);
    return pointer;
  }

  child(key: string): Node | undefined {
    return this.descend(key);
  }

  /** The mapping at a path below this one (`descend("volumes", 2)`), if it is a mapping. */
  descend(...sub: PathSegment[]): Node | undefined {
    let v: RawValue | undefined = this.value;
    for (const s of sub) {
      if (Array.isArray(v) && typeof s === "number") v = v[s];
      else if (isMapping(v) && typeof s === "string") v = v[s];
      else return undefined;
    }
    return isMapping(v) ? new Node(this.ctx, v, [...this.path, ...sub]) : undefined;
  }

  /** An error of kind `code` at the value of `sub` (this mapping itself when `sub` is empty). */
  report(code: DiagnosticCode, message: string, ...sub: PathSegment[]): void {
    this.ctx.diagnostics.error(code, message, this.at(...sub));
  }
}

export function isMapping(v: RawValue | undefined): v is RawMapping {
  return v !== null && v !== undefined && typeof v === "object" && !Array.isArray(v);
}

/** Scalars as compose reads them where it expects text: numbers and booleans keep their YAML spelling. */
export function scalarText(v: RawValue | undefined): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}

/** `true`, `"true"`, `"1"`... after interpolation a boolean may arrive as text. */
export function asBoolean(v: RawValue | undefined): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (typeof v === "string") {
    const s = v.toLowerCase();
    if (s === "true" || s === "yes" || s === "1") return true;
    if (s === "false" || s === "no" || s === "0" || s === "") return false;
  }
  if (typeof v === "number") return v !== 0;
  return undefined;
}

/** A mapping given either as `{K: V}` or as a list of `K=V` strings (environment, labels, sysctls...). */
export function keyValueEntries(node: Node, key: string): { name: string; value: string | undefined; path: PathSegment[] }[] {
  const raw = node.get(key);
  const out: { name: string; value: string | undefined; path: PathSegment[] }[] = [];
  if (Array.isArray(raw)) {
    raw.forEach((item, i) => {
      const text = scalarText(item);
      if (text === undefined) return;
      const eq = text.indexOf("=");
      out.push(eq < 0 ? { name: text, value: undefined, path: [key, i] } : { name: text.slice(0, eq), value: text.slice(eq + 1), path: [key, i] });
    });
  } else if (isMapping(raw)) {
    for (const [name, v] of Object.entries(raw)) {
      out.push({ name, value: v === null ? undefined : scalarText(v), path: [key, name] });
    }
  }
  return out;
}

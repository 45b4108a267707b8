import type { SourceLocation } from "../diagnostics.js";

export type PathSegment = string | number;

/** RFC 6901 JSON pointer; the same form Ajv reports as `instancePath`. */
export function pointerOf(path: readonly PathSegment[]): string {
  let out = "";
  for (const segment of path) out = childPointer(out, segment);
  return out;
}

/** The pointer of one step below `pointer`; walks that build pointers this way never rebuild a path. */
export function childPointer(pointer: string, segment: PathSegment): string {
  if (typeof segment === "number") return `${pointer}/${segment}`;
  // Escaping is rare (keys with `~` or `/`); the test keeps the common case free of regex work.
  if (segment.includes("~") || segment.includes("/")) return `${pointer}/${segment.replace(/~/g, "~0").replace(/\//g, "~1")}`;
  return `${pointer}/${segment}`;
}

/** The inverse of childPointer for one segment: `a~1b` names the key `a/b`. */
export function unescapeSegment(segment: string): string {
  return segment.includes("~") ? segment.replace(/~1/g, "/").replace(/~0/g, "~") : segment;
}

/**
 * Positions an index finds without having them set one by one: those of the
 * tree a document was flattened from, looked up on demand. Most positions
 * are never asked for (only diagnostics and a few model fields need them),
 * so copying all of them into maps up front was most of the flattening's cost.
 */
export interface PositionSource {
  /** Where the value at exactly `pointer` starts, when there is one. */
  value(pointer: string): SourceLocation | undefined;
  /** Where the key naming exactly `pointer` starts, when it has one. */
  key(pointer: string): SourceLocation | undefined;
}

/**
 * Positions of keys and values in one file, by JSON pointer. A lookup of a
 * path that has no position of its own (a value a later phase created)
 * falls back to the nearest ancestor that has one. Positions set on the
 * index win over those of its source.
 */
export class LocationIndex {
  private readonly values = new Map<string, SourceLocation>();
  private readonly keys = new Map<string, SourceLocation>();

  constructor(
    readonly file: string,
    private readonly source?: PositionSource,
  ) {}

  setValue(pointer: string, at: SourceLocation): void {
    this.values.set(pointer, at);
  }

  setKey(pointer: string, at: SourceLocation): void {
    this.keys.set(pointer, at);
  }

  /** Where the value at `pointer` starts. */
  value(pointer: string): SourceLocation {
    let p = pointer;
    for (;;) {
      const hit = this.values.get(p) ?? this.source?.value(p);
      if (hit) return hit;
      if (p === "") return { file: this.file, line: 1, column: 1 };
      p = p.slice(0, p.lastIndexOf("/"));
    }
  }

  /** Where the key naming `pointer` starts (the value's position for list items). */
  key(pointer: string): SourceLocation {
    return this.keys.get(pointer) ?? this.source?.key(pointer) ?? this.value(pointer);
  }

  /** A copy whose pointers all start with `prefix` — used when a legacy file is lifted under `services:`. */
  withPrefix(prefix: string): LocationIndex {
    if (this.source) throw new Error("LocationIndex.withPrefix: only an index whose positions were all set can be prefixed");
    const out = new LocationIndex(this.file);
    for (const [p, at] of this.values) out.values.set(prefix + p, at);
    for (const [p, at] of this.keys) out.keys.set(prefix + p, at);
    out.values.set(prefix, this.values.get("") ?? { file: this.file, line: 1, column: 1 });
    return out;
  }
}

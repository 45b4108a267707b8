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

/**
 * Positions of keys and values in one file, by JSON pointer. A lookup of a
 * path that has no position of its own (a value a later phase created)
 * falls back to the nearest ancestor that has one.
 */
export class LocationIndex {
  private readonly values = new Map<string, SourceLocation>();
  private readonly keys = new Map<string, SourceLocation>();

  constructor(readonly file: string) {}

  setValue(pointer: string, at: SourceLocation): void {
    this.values.set(pointer, at);
  }

  setKey(pointer: string, at: SourceLocation): void {
    this.keys.set(pointer, at);
  }

  /** Where the value at `pointer` starts. */
  value(pointer: string): SourceLocation {
    return this.lookup(this.values, pointer);
  }

  /** Where the key naming `pointer` starts (the value's position for list items). */
  key(pointer: string): SourceLocation {
    return this.keys.get(pointer) ?? this.lookup(this.values, pointer);
  }

  /** A copy whose pointers all start with `prefix` — used when a legacy file is lifted under `services:`. */
  withPrefix(prefix: string): LocationIndex {
    const out = new LocationIndex(this.file);
    for (const [p, at] of this.values) out.values.set(prefix + p, at);
    for (const [p, at] of this.keys) out.keys.set(prefix + p, at);
    out.values.set(prefix, this.values.get("") ?? { file: this.file, line: 1, column: 1 });
    return out;
  }

  private lookup(map: Map<string, SourceLocation>, pointer: string): SourceLocation {
    let p = pointer;
    for (;;) {
      const hit = map.get(p) ?? (map === this.values ? undefined : this.values.get(p));
      if (hit) return hit;
      if (p === "") return { file: this.file, line: 1, column: 1 };
      p = p.slice(0, p.lastIndexOf("/"));
    }
  }
}

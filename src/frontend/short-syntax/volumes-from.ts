import { invalid, parsed, type Parsed } from "./parsed.js";

/** A `volumes_from` entry: whose volumes, and whether they are mounted read-only. */
export interface VolumesFromShortSyntax {
  readonly source: { readonly kind: "service" | "container"; readonly name: string };
  readonly readOnly: boolean;
}

/**
 * `SERVICE[:ro|rw]` or `container:NAME[:ro|rw]`. `container:` is read as the
 * prefix whenever it leads, as compose does, so `container:ro` is the
 * container named `ro`, not a service named `container`.
 */
export function parseVolumesFrom(text: string): Parsed<VolumesFromShortSyntax> {
  const parts = text.split(":");
  const container = parts[0] === "container" && parts.length > 1;
  const [name, mode] = container ? parts.slice(1) : parts;
  const expected = `invalid volumes_from "${text}": expected SERVICE[:ro|rw] or container:NAME[:ro|rw]`;
  if (!name || parts.length > (container ? 3 : 2)) return invalid(expected);
  if (mode !== undefined && mode !== "ro" && mode !== "rw") return invalid(expected);
  return parsed({ source: { kind: container ? "container" : "service", name }, readOnly: mode === "ro" });
}

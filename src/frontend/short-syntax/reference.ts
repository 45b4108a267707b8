import { invalid, parsed, type Parsed } from "./parsed.js";

/**
 * `network_mode`, `ipc` and `pid` (and v1's `net`): another service's
 * namespace (`service:NAME`), a container's (`container:NAME`), or a mode
 * the engine knows (`host`, `none`, `shareable`...), which is checked where
 * the key's own modes are known.
 */
export type NamespaceReference =
  | { readonly kind: "service"; readonly name: string }
  | { readonly kind: "container"; readonly name: string }
  | { readonly kind: "mode"; readonly mode: string };

export function parseNamespaceReference(text: string): Parsed<NamespaceReference> {
  for (const kind of ["service", "container"] as const) {
    if (!text.startsWith(`${kind}:`)) continue;
    const name = text.slice(kind.length + 1);
    return name === "" ? invalid(`"${kind}:" needs a ${kind} name after it`) : parsed({ kind, name });
  }
  return parsed({ kind: "mode", mode: text });
}

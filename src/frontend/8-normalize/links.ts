import type { ExternalLink, Link } from "../../model/project.js";
import { parseLink } from "../short-syntax/link.js";
import { scalarText, type Node } from "./context.js";

/** `links` and `external_links` entries, the alias defaulting to the name. */
function linkEntries(node: Node, key: "links" | "external_links"): { name: string; alias: string; at: Link["at"] }[] {
  const raw = node.get(key);
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((v, i) => {
    const link = parseLink(scalarText(v) ?? "");
    if (!link.ok) {
      node.report("invalid-reference", link.reason, key, i);
      return [];
    }
    return [{ ...link.value, at: node.at(key, i) }];
  });
}

export function normalizeLinks(node: Node): Link[] {
  return linkEntries(node, "links").map((l) => ({ service: l.name, alias: l.alias, at: l.at }));
}

export function normalizeExternalLinks(node: Node): ExternalLink[] {
  return linkEntries(node, "external_links").map((l) => ({ container: l.name, alias: l.alias, at: l.at }));
}

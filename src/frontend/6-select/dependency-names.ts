import { isMapping } from "../8-normalize/context.js";
import type { RawMapping } from "../parse-yaml.js";
import { parseLink } from "../short-syntax/link.js";
import { parseNamespaceReference } from "../short-syntax/reference.js";
import { parseVolumesFrom } from "../short-syntax/volumes-from.js";

/**
 * Names a raw service depends on: depends_on, links, volumes_from and `service:` namespaces,
 * read by the parsers normalization uses; an entry they refuse names nothing here and is reported there.
 */
export function dependencyNames(service: RawMapping): string[] {
  const out: string[] = [];
  const dependsOn = service.depends_on;
  if (Array.isArray(dependsOn)) out.push(...dependsOn.map((d) => String(d)));
  else if (isMapping(dependsOn)) out.push(...Object.keys(dependsOn));
  for (const l of Array.isArray(service.links) ? service.links : []) {
    const link = parseLink(String(l));
    if (link.ok) out.push(link.value.name);
  }
  for (const v of Array.isArray(service.volumes_from) ? service.volumes_from : []) {
    const entry = parseVolumesFrom(String(v));
    if (entry.ok && entry.value.source.kind === "service") out.push(entry.value.source.name);
  }
  for (const key of ["network_mode", "ipc", "pid"]) {
    const value = service[key];
    const reference = typeof value === "string" ? parseNamespaceReference(value) : undefined;
    if (reference?.ok && reference.value.kind === "service") out.push(reference.value.name);
  }
  return out;
}

import type { DiagnosticBag } from "../../diagnostics.js";
import { isMapping } from "../8-normalize/context.js";
import type { LocationIndex } from "../location-index.js";
import type { RawMapping } from "../parse-yaml.js";
import { dependencyNames } from "./dependency-names.js";

export interface Selection {
  /** The services to load. */
  readonly enabled: ReadonlySet<string>;
  /** Declared services left out because none of their profiles is active. */
  readonly inactive: ReadonlySet<string>;
}

/**
 * Profiles and an explicit service list, as compose applies them: a service
 * without profiles is always on; one with profiles is on when one of them is
 * active (or `*` is); a service named explicitly is on, and with it every
 * service it depends on.
 */
export function selectServices(
  services: RawMapping,
  active: ReadonlySet<string>,
  selected: readonly string[] | undefined,
  locations: LocationIndex,
  diagnostics: DiagnosticBag,
): Selection {
  const all = Object.keys(services);
  const profilesOf = (name: string): string[] => {
    const raw = services[name];
    return isMapping(raw) && Array.isArray(raw.profiles) ? raw.profiles.map((p) => String(p)) : [];
  };
  // A service named explicitly turns its own profiles on, as in compose.
  const profiles = new Set(active);
  for (const name of selected ?? []) for (const p of profilesOf(name)) profiles.add(p);
  const enabled = new Set<string>();
  const inactive = new Set<string>();
  for (const name of all) {
    const own = profilesOf(name);
    if (own.length === 0 || profiles.has("*") || own.some((p) => profiles.has(p))) enabled.add(name);
    else inactive.add(name);
  }
  if (!selected || selected.length === 0) return { enabled, inactive };
  const chosen = new Set<string>();
  const visit = (name: string) => {
    if (chosen.has(name) || !enabled.has(name)) return; // an inactive dependency is reported where it is used
    chosen.add(name);
    const raw = services[name];
    if (isMapping(raw)) for (const dep of dependencyNames(raw)) visit(dep);
  };
  for (const name of selected) {
    if (!all.includes(name)) diagnostics.error("undefined-reference", `no such service: "${name}"`, locations.value("/services"));
    else visit(name);
  }
  return { enabled: chosen, inactive };
}

function pick(services: RawMapping, names: ReadonlySet<string>): RawMapping {
  const out: RawMapping = {};
  for (const [name, value] of Object.entries(services)) if (names.has(name)) out[name] = value;
  return out;
}

/** The services a merged document declares: `x-` keys under services: are extensions, not services. */
export function declaredServices(doc: RawMapping): RawMapping {
  return isMapping(doc.services) ? pick(doc.services, new Set(Object.keys(doc.services).filter((k) => !k.startsWith("x-")))) : {};
}

/** With an explicit service list, the services left out are not looked at, not even by the schema. */
export function scopeToSelection(doc: RawMapping, selection: Selection, selected: readonly string[] | undefined): RawMapping {
  return selected?.length && isMapping(doc.services) ? { ...doc, services: pick(doc.services, selection.enabled) } : doc;
}

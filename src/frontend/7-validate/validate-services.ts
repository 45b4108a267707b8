import { DiagnosticBag } from "../../diagnostics.js";
import { isMapping } from "../8-normalize/context.js";
import type { LocationIndex } from "../location-index.js";
import type { RawMapping, RawValue } from "../parse-yaml.js";
import { validateAgainstSchema } from "./validate-schema.js";

/**
 * Schema validation. When only some services are malformed, the others are
 * still loaded (so each gets compiled or its own diagnostic); the malformed
 * ones are left out and reported.
 */
export function validateServices(doc: RawMapping, locations: LocationIndex, diagnostics: DiagnosticBag): { doc: RawMapping; invalid: string[] } | undefined {
  if (validateAgainstSchema(doc, locations, new DiagnosticBag())) return { doc, invalid: [] };
  const services = isMapping(doc.services) ? doc.services : {};
  // Each service alone: the schema relates no top-level key to another, and a service checked
  // together with the whole rest of the file made this quadratic (4,000 services and networks: 7 s).
  const invalid = Object.keys(services).filter((name) => !validateAgainstSchema({ services: { [name]: services[name]! } }, locations, new DiagnosticBag()));
  const rest: Record<string, RawValue> = {};
  for (const [name, value] of Object.entries(services)) if (!invalid.includes(name)) rest[name] = value;
  const remaining: RawMapping = { ...doc, ...(isMapping(doc.services) ? { services: rest } : {}) };
  validateAgainstSchema(doc, locations, diagnostics);
  return invalid.length > 0 && validateAgainstSchema(remaining, locations, new DiagnosticBag()) ? { doc: remaining, invalid } : undefined;
}

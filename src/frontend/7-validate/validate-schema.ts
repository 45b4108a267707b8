import type { ErrorObject } from "ajv";
// Generated from schemas/compose-spec.schema.json by `npm run build` (scripts/generate-validator.mjs):
// compiling the schema at run time took most of a cold CLI start. Two folders up from both
// src/frontend and dist/frontend.
import validate from "../../../generated/compose-schema-validator.js";
import type { DiagnosticBag } from "../../diagnostics.js";
import type { LocationIndex } from "../location-index.js";
import type { RawValue } from "../parse-yaml.js";

/**
 * Checks the shape of an interpolated compose document against our schema
 * and reports every violation at the key or value it concerns.
 */
export function validateAgainstSchema(document: RawValue, locations: LocationIndex, diagnostics: DiagnosticBag): boolean {
  if (validate(document)) return true;
  for (const error of summarize(validate.errors ?? [])) {
    const { pointer, onKey, message } = describe(error);
    diagnostics.error("schema", message, onKey ? locations.key(pointer) : locations.value(pointer));
  }
  return false;
}

/**
 * Ajv with allErrors reports every failed branch of an anyOf/oneOf. A user
 * wants one line: either "must be a string or a list" when the value fits
 * none of the branches' types, or the errors inside the branch whose type it
 * does have.
 */
function summarize(errors: readonly ErrorObject[]): ErrorObject[] {
  const alternatives = errors.filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf").sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  const dropped = new Set<ErrorObject>();
  const synthesized: ErrorObject[] = [];

  for (const alt of alternatives) {
    if (dropped.has(alt)) continue;
    const prefix = alt.schemaPath + "/";
    // Shared definitions give the same schemaPath to many values: match the instance too.
    const within = (e: ErrorObject) => e.instancePath === alt.instancePath || e.instancePath.startsWith(alt.instancePath + "/");
    const inside = errors.filter((e) => e.schemaPath.startsWith(prefix) && within(e) && !dropped.has(e));
    const branches = new Map<string, ErrorObject[]>();
    for (const e of inside) {
      const branch = e.schemaPath.slice(prefix.length).split("/")[0]!;
      branches.set(branch, [...(branches.get(branch) ?? []), e]);
    }
    const typeMismatch = (branch: string, list: ErrorObject[]) =>
      list.some((e) => e.keyword === "type" && e.instancePath === alt.instancePath && e.schemaPath === `${prefix}${branch}/type`);
    const fitting = [...branches].filter(([b, list]) => !typeMismatch(b, list));

    for (const e of inside) dropped.add(e);
    if (inside.length === 0) continue; // oneOf failing because several branches matched: Ajv's own message says so
    if (fitting.length === 0) {
      const types = new Set<string>();
      for (const list of branches.values()) for (const e of list) if (e.keyword === "type") types.add(String(e.params.type));
      synthesized.push({ ...alt, keyword: "type", message: `must be ${listTypes([...types])}`, params: { type: [...types].join(",") } });
      dropped.add(alt);
      continue;
    }
    // Report the fitting branch with the fewest complaints; its errors stay in the list.
    const best = fitting.sort((a, b) => a[1].length - b[1].length)[0]!;
    for (const e of best[1]) dropped.delete(e);
    dropped.add(alt);
  }
  // A bad key name yields the inner error (naming the key) and an outer one that does not.
  const namedKeys = new Set(errors.filter((e) => e.propertyName !== undefined).map((e) => e.instancePath));
  for (const e of errors) if (e.keyword === "propertyNames" && namedKeys.has(e.instancePath)) dropped.add(e);
  return [...errors.filter((e) => !dropped.has(e)), ...synthesized];
}

function listTypes(types: string[]): string {
  const names = types
    .flatMap((t) => t.split(","))
    .map((t) => (t === "array" ? "a list" : t === "object" ? "a mapping" : t === "null" ? "empty" : t === "integer" ? "an integer" : `a ${t}`));
  const unique = [...new Set(names)].sort();
  if (unique.length <= 1) return unique[0] ?? "of another type";
  return unique.slice(0, -1).join(", ") + " or " + unique[unique.length - 1];
}

function describe(error: ErrorObject): { pointer: string; onKey: boolean; message: string } {
  const place = readablePath(error.instancePath);
  const prefix = place ? `${place}: ` : "";
  if (error.propertyName !== undefined) {
    const pattern = error.keyword === "pattern" ? ` (allowed: ${String(error.params.pattern)})` : "";
    return {
      pointer: `${error.instancePath}/${escapePointer(error.propertyName)}`,
      onKey: true,
      message: `${prefix}invalid name "${error.propertyName}"${pattern}`,
    };
  }
  switch (error.keyword) {
    case "additionalProperties": {
      const key = String(error.params.additionalProperty);
      return { pointer: `${error.instancePath}/${escapePointer(key)}`, onKey: true, message: `${prefix}unknown key "${key}"` };
    }
    case "propertyNames":
      return { pointer: error.instancePath, onKey: true, message: `${prefix}invalid name` };
    case "required":
      return { pointer: error.instancePath, onKey: true, message: `${prefix}missing required key "${String(error.params.missingProperty)}"` };
    case "enum":
      return {
        pointer: error.instancePath,
        onKey: false,
        message: `${prefix}must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`,
      };
    case "type":
      return {
        pointer: error.instancePath,
        onKey: false,
        message: `${prefix}${error.message?.startsWith("must be") && error.message.includes(" a ") ? error.message : `must be ${listTypes(String(error.params.type).split(","))}`}`,
      };
    default:
      return { pointer: error.instancePath, onKey: false, message: `${prefix}${error.message ?? "is invalid"}` };
  }
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** `/services/web/ports/0` → `services.web.ports[0]`, the way people read a compose path. */
export function readablePath(pointer: string): string {
  if (pointer === "") return "";
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((acc, s) => (/^\d+$/.test(s) ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), "");
}

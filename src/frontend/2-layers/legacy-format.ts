import type { DiagnosticBag } from "../../diagnostics.js";
import type { LocationIndex } from "../location-index.js";
import type { RawMapping, RawValue } from "../parse-yaml.js";
import { parseNamespaceReference } from "../short-syntax/reference.js";

export type FileFormat = "v1" | "compose";

/**
 * Version detection as docker-compose 1.x does it: a file without a
 * `version` and without any of the later formats' sections is the v1
 * format, whose top-level keys are the services themselves; so is a file
 * whose `version` is a mapping (a v1 service named "version"). Sections
 * docker-compose 1.x did not know (`include`, `secrets`, `configs`, a
 * top-level `name` string) also mark the Compose Specification.
 */
export function detectFormat(doc: RawMapping): FileFormat {
  const version = doc.version;
  if (isMapping(version)) return "v1";
  if (version !== undefined && version !== null && version !== "") return "compose";
  if (["services", "networks", "volumes", "secrets", "configs", "include", "models"].some((k) => k in doc)) return "compose";
  return typeof doc.name === "string" ? "compose" : "v1";
}

/**
 * Lifts a v1 file into the `services:` shape and turns v1-only keys into
 * their modern spelling, so that one schema and one normalizer serve both.
 * Moved values keep the position they were written at.
 */
export function liftV1(doc: RawMapping, original: LocationIndex, diagnostics: DiagnosticBag): { doc: RawMapping; locations: LocationIndex } {
  const locations = original.withPrefix("/services");
  const services: RawMapping = {};
  const names = new Set(Object.keys(doc));
  for (const [name, raw] of Object.entries(doc)) {
    services[name] = isMapping(raw) ? migrateService(raw, `/services/${name}`, names, locations, diagnostics) : raw;
  }
  return { doc: { services }, locations };
}

function migrateService(service: RawMapping, pointer: string, services: ReadonlySet<string>, locations: LocationIndex, diagnostics: DiagnosticBag): RawMapping {
  const out: RawMapping = {};
  const move = (from: string, to: string) => {
    locations.setValue(`${pointer}/${to}`, locations.value(`${pointer}/${from}`));
    locations.setKey(`${pointer}/${to}`, locations.key(`${pointer}/${from}`));
  };
  for (const [key, value] of Object.entries(service)) {
    switch (key) {
      case "net": {
        // v1 wrote `net: container:NAME` for another service of the file too; docker-compose 1.x read that as service:NAME.
        const reference = typeof value === "string" ? parseNamespaceReference(value) : undefined;
        const other = reference?.ok && reference.value.kind === "container" ? reference.value.name : undefined;
        out.network_mode = other !== undefined && services.has(other) ? `service:${other}` : value;
        move("net", "network_mode");
        break;
      }
      case "log_driver":
        out.logging = { ...asMapping(out.logging), driver: value };
        move("log_driver", "logging/driver");
        break;
      case "log_opt":
        out.logging = { ...asMapping(out.logging), options: value };
        move("log_opt", "logging/options");
        break;
      case "dockerfile":
        out.build = { ...buildMapping(out.build ?? service.build), dockerfile: value };
        move("dockerfile", "build/dockerfile");
        break;
      case "build":
        out.build = { ...buildMapping(value), ...asMapping(out.build) };
        break;
      case "volume_driver":
        diagnostics.error(
          "unsupported-key",
          "volume_driver is not supported: declare the volume at the top level with a driver (compose file format 2 or later)",
          locations.key(`${pointer}/${key}`),
        );
        break;
      default:
        out[key] = value;
    }
  }
  return out;
}

function buildMapping(v: RawValue | undefined): RawMapping {
  return typeof v === "string" ? { context: v } : asMapping(v);
}

function isMapping(v: RawValue | undefined): v is RawMapping {
  return v !== null && v !== undefined && typeof v === "object" && !Array.isArray(v);
}

function asMapping(v: RawValue | undefined): RawMapping {
  return isMapping(v) ? v : {};
}

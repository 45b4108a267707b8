import type { DiagnosticBag, SourceLocation } from "../diagnostics.js";
import { UNIT_DIR } from "./layout.js";
import type { OutputFile } from "./output-file.js";
import { isHostUnit, SYSTEMD_PREFIX } from "./systemd/host-units.js";

/** What a generated file is named after, for the diagnostic when its name cannot be used. */
export interface NameOrigin {
  /** `service "web"`, `network "front"`, `project "shop"`... */
  readonly what: string;
  /** Where that name is written; absent for a project name given on the command line. */
  readonly at?: SourceLocation;
}

/**
 * Longest file name (one path segment) Linux file systems take, in bytes
 * (NAME_MAX); systemd's longest unit name (UNIT_NAME_MAX less its NUL) is
 * the same.
 */
export const MAX_FILE_NAME_BYTES = 255;

/**
 * Checks every generated file's name before anything is written: each part
 * of its path in the output folder and on the host fits a file name, unit
 * names leave the host's own units alone, and no two files share a name.
 * Each problem is reported at the name it comes from; for two files with
 * one name, at the one written later in the compose file.
 */
export function checkGeneratedNames(
  files: readonly OutputFile[],
  origins: ReadonlyMap<OutputFile, NameOrigin>,
  project: { readonly name: string; readonly origin: NameOrigin },
  diagnostics: DiagnosticBag,
): boolean {
  let ok = true;
  const fail = (code: "name-collision" | "name-reserved" | "name-too-long", origin: NameOrigin | undefined, message: string) => {
    diagnostics.error(code, `${origin ? `${origin.what}: ` : ""}${message}`, origin?.at);
    ok = false;
  };
  // Every unit name starts with the project's: said once, at the project name, rather than at every unit.
  if (`${project.name}-`.startsWith(SYSTEMD_PREFIX)) {
    fail("name-reserved", project.origin, `every unit would start with "${SYSTEMD_PREFIX}", which names systemd's own units; choose another project name`);
    return false;
  }
  for (const f of files) {
    const origin = origins.get(f);
    const long = [...f.path.split("/"), ...(f.installPath?.split("/").slice(1) ?? [])].find(
      (segment) => Buffer.byteLength(segment, "utf8") > MAX_FILE_NAME_BYTES,
    );
    if (long !== undefined) {
      const kind = isUnit(f) ? "unit name" : "file name";
      fail(
        "name-too-long",
        origin,
        `the ${kind} ${long} is ${Buffer.byteLength(long, "utf8")} bytes long; file systems and systemd take at most ${MAX_FILE_NAME_BYTES}: shorten the name (or the project name)`,
      );
    } else if (isUnit(f) && isHostUnit(f.path)) {
      fail("name-reserved", origin, `the unit ${f.path} would replace the host's own unit of that name (see systemd.special(7)); choose another name`);
    }
  }
  const byPath = new Map<string, OutputFile>();
  for (const f of [...files].sort((a, b) => compareOrigins(origins.get(a), origins.get(b)))) {
    const first = byPath.get(f.path);
    if (!first) {
      byPath.set(f.path, f);
      continue;
    }
    const other = origins.get(first);
    fail(
      "name-collision",
      origins.get(f),
      `its generated file ${f.path} has the same name as the one made for ${other?.what ?? "another name"}${other?.at ? ` (${other.at.file}:${other.at.line}:${other.at.column})` : ""}; rename one of them`,
    );
  }
  return ok;
}

function isUnit(f: OutputFile): boolean {
  return f.installPath?.startsWith(`${UNIT_DIR}/`) ?? false;
}

/** Unlocated names (the project's, from the command line) first: a collision is reported at the located one. */
function compareOrigins(a: NameOrigin | undefined, b: NameOrigin | undefined): number {
  const x = a?.at;
  const y = b?.at;
  if (!x || !y) return (x ? 1 : 0) - (y ? 1 : 0);
  if (x.file !== y.file) return x.file < y.file ? -1 : 1;
  return x.line - y.line || x.column - y.column;
}

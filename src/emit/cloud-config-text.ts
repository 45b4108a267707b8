import type { DiagnosticBag, SourceLocation } from "../diagnostics.js";
import { firstUnreadable } from "./cloud-config-yaml.js";
import type { OutputFile } from "./output-file.js";

/** Host settings merged into the document, with where they were written (none for the library's or CLI's own option). */
export interface HostSettings {
  readonly value: { readonly [key: string]: unknown };
  readonly at?: SourceLocation;
  /** How a message names them: `x-cloud-config`, `the cloud-config base`. */
  readonly name: string;
}

/**
 * Reports every string the document would carry as text (keys and values of
 * the host settings, install paths, the engine package, coreos unit text)
 * that holds a character cloud-init's reader breaks lines at or refuses. File
 * contents in write_files are not among them: those travel base64 instead.
 * Written as they are, such strings would add keys or lines cloud-init
 * installs but the output folder does not show.
 */
export function checkCloudConfigText(
  settings: readonly HostSettings[],
  installed: readonly OutputFile[],
  unitTexts: readonly OutputFile[],
  enginePackage: string | undefined,
  diagnostics: DiagnosticBag,
): boolean {
  let ok = true;
  const refuse = (what: string, text: string, at?: SourceLocation) => {
    diagnostics.error("unsafe-value", `${what} holds ${firstUnreadable(text)}, which cloud-init's YAML reader takes as a line break or refuses`, at);
    ok = false;
  };
  for (const s of settings) {
    walk(s.value, s.name, (path, text) => refuse(path, text, s.at));
  }
  for (const f of installed) {
    if (f.installPath !== undefined && firstUnreadable(f.installPath)) refuse(`the install path of ${JSON.stringify(f.path)}`, f.installPath);
  }
  for (const f of unitTexts) {
    if (firstUnreadable(f.content)) refuse(`unit ${f.path}, which the coreos flavour carries as plain text,`, f.content);
  }
  if (enginePackage !== undefined && firstUnreadable(enginePackage)) refuse("the engine package name", enginePackage);
  return ok;
}

/** Calls `bad` for each key or string value under `value` that cloud-init would not read back as it is. */
function walk(value: unknown, path: string, bad: (path: string, text: string) => void): void {
  if (typeof value === "string") {
    if (firstUnreadable(value)) bad(path, value);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => walk(item, `${path}[${i}]`, bad));
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const at = `${path}.${firstUnreadable(key) ? JSON.stringify(key) : key}`;
      if (firstUnreadable(key)) bad(`the key ${at}`, key);
      walk(item, at, bad);
    }
  }
}

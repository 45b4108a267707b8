import type { RawMapping } from "../parse-yaml.js";
import { isMapping, scalarText, type Node } from "./context.js";

/**
 * Names the compose file gives that end up as file, folder and unit names
 * on the host (services, networks, volumes, secrets, configs) or as the
 * positional arguments of engine commands (container names).
 *
 * The schema lets a service, network, volume, secret or config be named
 * with any of `a-z A-Z 0-9 . _ -`, and compose accepts them all. Three of
 * those names cannot be mapped onto the host safely: `.` and `..` are not
 * file names but the folder itself and its parent (a secret of a service
 * called `..` would land outside its folder), and a name that starts with
 * `-` reads as an option to the commands that are given it. They are
 * refused, not encoded: the names are the ones people type (`systemctl
 * status shop-web`), an encoded one would differ from the compose file, and
 * renaming such a service costs one line.
 */
export const DECLARED_KINDS = ["services", "networks", "volumes", "secrets", "configs"] as const;
export type DeclaredKind = (typeof DECLARED_KINDS)[number];

const SINGULAR: Readonly<Record<DeclaredKind, string>> = {
  services: "service",
  networks: "network",
  volumes: "volume",
  secrets: "secret",
  configs: "config",
};

/** Why `name` cannot name a file or unit, or undefined when it can; the advice says what to write instead. */
export function hostNameProblem(name: string): string | undefined {
  if (name === "." || name === "..") return `"${name}" names a folder, not a file: give it a name with a letter or digit in it`;
  if (name.startsWith("-")) return `"${name}" starts with "-", which commands would read as an option; start it with a letter or digit`;
  // The schema refuses these already; checked again because a name reaches file paths from here.
  if (name === "" || /[/\0]/.test(name)) return `${JSON.stringify(name)} cannot be part of a file name; use letters, digits, ".", "_" and "-"`;
  return undefined;
}

/**
 * Reports every declared name that cannot reach the host, at its key;
 * returns the services among them, which are then left out. Services not
 * `enabled` (their profiles are off) reach nothing and are not looked at.
 */
export function checkDeclaredNames(top: Node, enabled: ReadonlySet<string>): Set<string> {
  const badServices = new Set<string>();
  for (const kind of DECLARED_KINDS) {
    const declared: RawMapping | undefined = isMapping(top.get(kind)) ? (top.get(kind) as RawMapping) : undefined;
    for (const name of Object.keys(declared ?? {})) {
      if (name.startsWith("x-") || (kind === "services" && !enabled.has(name))) continue;
      const problem = hostNameProblem(name);
      if (problem === undefined) continue;
      top.ctx.diagnostics.error("invalid-name", `${SINGULAR[kind]} name ${problem}`, top.keyAt(kind, name));
      if (kind === "services") badServices.add(name);
    }
  }
  return badServices;
}

/**
 * docker's rule for container names (`[a-zA-Z0-9][a-zA-Z0-9_.-]+`): it
 * refuses any other, and one starting with `-` would be read as an option
 * by `docker rm` and `docker start`.
 */
const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** `container_name`, checked where it is written; undefined when it is absent or refused. */
export function containerName(service: Node): string | undefined {
  const raw = service.get("container_name");
  if (raw === undefined || raw === null) return undefined;
  const text = scalarText(raw);
  if (text === undefined || !CONTAINER_NAME.test(text)) {
    const shown = JSON.stringify(text ?? String(raw));
    service.report(
      "invalid-name",
      `container_name ${shown} is not a name docker accepts: use two or more of letters, digits, "_", "." and "-", starting with a letter or digit`,
      "container_name",
    );
    return undefined;
  }
  return text;
}

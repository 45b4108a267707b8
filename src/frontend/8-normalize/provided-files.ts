import { posix } from "node:path";
import type { ProvidedFile } from "../../model/project.js";
import { isMapping, scalarText, type Node } from "./context.js";
import { inputPath, unexpandedHomeNote } from "../input-paths.js";

/**
 * A service's `secrets:` or `configs:`, each resolved against its top-level
 * declaration to the content it will carry. Secrets land under
 * /run/secrets/, configs at /<name>, unless a target says otherwise.
 */
export function normalizeProvidedFiles(service: Node, top: Node | undefined, kind: "secret" | "config"): ProvidedFile[] {
  const key = kind === "secret" ? "secrets" : "configs";
  const raw = service.get(key);
  if (!Array.isArray(raw)) return [];
  const declared = top?.child(key);
  return raw.flatMap((item, i): ProvidedFile[] => {
    const at = service.at(key, i);
    const long = isMapping(item) ? service.descend(key, i) : undefined;
    const name = long ? scalarText(long.get("source")) : scalarText(item);
    if (!name) return [];
    const declaration = declared?.child(name);
    if (!declaration) {
      service.ctx.diagnostics.error("undefined-reference", `service uses undefined ${kind} "${name}"; declare it under the top-level ${key}:`, at);
      return [];
    }
    const resolved = resolveContent(declaration, kind, name);
    if (resolved === undefined) return [];
    const { content, source } = resolved;
    const rawTarget = scalarText(long?.get("target")) ?? name;
    const target = kind === "secret" && !rawTarget.startsWith("/") ? `/run/secrets/${rawTarget}` : posix.resolve("/", rawTarget);
    const modeValue = long?.get("mode");
    const mode = permissionBits(modeValue);
    if (mode === undefined) {
      long!.report("invalid-mode", `invalid mode "${String(modeValue)}": give permission bits in octal, from 0 to 0777, such as 0440`, "mode");
      return [];
    }
    const uid = scalarText(long?.get("uid"));
    const gid = scalarText(long?.get("gid"));
    return [{ kind, name, content, source, target, ...(uid ? { uid } : {}), ...(gid ? { gid } : {}), mode, at }];
  });
}

/**
 * A secret's or config's `mode`: a number (YAML's `0440` already read as
 * octal), or a string of octal digits as compose reads it (`"0440"`,
 * `"0o440"`). parseInt would stop at the first digit that is not octal and
 * turn `"0999"` into 0; setuid, setgid and sticky bits mean nothing on a
 * read-only file for a container, so 0777 is the most a mode can be.
 */
function permissionBits(value: unknown): number | undefined {
  if (value === undefined || value === null) return 0o444;
  const bits =
    typeof value === "number" ? value : typeof value === "string" && /^(0o?)?[0-7]+$/.test(value) ? Number.parseInt(value.replace(/^0o/, ""), 8) : Number.NaN;
  return Number.isInteger(bits) && bits >= 0 && bits <= 0o777 ? bits : undefined;
}

function resolveContent(declaration: Node, kind: "secret" | "config", name: string): Pick<ProvidedFile, "content" | "source"> | undefined {
  const ctx = declaration.ctx;
  const external = declaration.get("external");
  if (external === true || external === "true" || isMapping(external)) {
    ctx.diagnostics.error(
      "unsupported-key",
      `external ${kind}s live in a swarm; declare "${name}" with file:, environment:${kind === "config" ? " or content:" : ""} instead`,
      declaration.keyAt("external"),
    );
    return undefined;
  }
  const file = scalarText(declaration.get("file"));
  if (file !== undefined) {
    const path = inputPath(file, ctx.projectDirectory, ctx.environment);
    const text = ctx.readFile(path);
    if (text === undefined)
      ctx.diagnostics.error(
        "missing-input",
        `${kind} "${name}": file ${ctx.display(path)} ${ctx.whyUnread(path)}${unexpandedHomeNote(file, ctx.environment)}`,
        declaration.at("file"),
      );
    return text === undefined ? undefined : { content: text, source: { kind: "file", path } };
  }
  const variable = scalarText(declaration.get("environment"));
  if (variable !== undefined) {
    const value = ctx.environment[variable];
    if (value === undefined)
      ctx.diagnostics.error("missing-input", `${kind} "${name}": environment variable ${variable} is not set`, declaration.at("environment"));
    return value === undefined ? undefined : { content: value, source: { kind: "environment", variable } };
  }
  const content = scalarText(declaration.get("content"));
  if (content !== undefined) return { content, source: { kind: "content" } };
  ctx.diagnostics.error("missing-key", `${kind} "${name}" needs file:, environment:${kind === "config" ? " or content:" : ""}`, declaration.keyAt());
  return undefined;
}

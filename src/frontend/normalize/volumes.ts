import { posix } from "node:path";
import type { SourceLocation } from "../../diagnostics.js";
import type { Mount } from "../../model/project.js";
import { asBoolean, isMapping, scalarText, type Node } from "./context.js";
import { isByteSize } from "./units-of-measure.js";
import { startsWithHome } from "../input-paths.js";
import { isWindowsPath, parseVolume, type VolumeShortSyntax } from "../short-syntax/volume.js";

/** `volumes:` of a service (short and long syntax) and `tmpfs:`, as mounts. */
export function normalizeMounts(service: Node): Mount[] {
  const out: Mount[] = [];
  const raw = service.get("volumes");
  if (Array.isArray(raw)) {
    raw.forEach((item, i) => {
      const mount = isMapping(item) ? longVolume(service, i) : shortVolume(service, scalarText(item) ?? "", i);
      if (mount) out.push(mount);
    });
  }
  const tmpfs = service.get("tmpfs");
  const tmpfsList = Array.isArray(tmpfs) ? tmpfs : tmpfs === undefined || tmpfs === null ? [] : [tmpfs];
  tmpfsList.forEach((item, i) => {
    const text = scalarText(item) ?? "";
    const [target, options] = splitOnce(text, ":");
    const at = Array.isArray(tmpfs) ? service.at("tmpfs", i) : service.at("tmpfs");
    if (!target.startsWith("/")) {
      service.ctx.diagnostics.error("invalid-value", `tmpfs target "${target}" must be an absolute path`, at);
      return;
    }
    out.push({ type: "tmpfs", target, options: options ? options.split(",") : [], at });
  });
  return out;
}

function shortVolume(service: Node, text: string, i: number): Mount | undefined {
  const at = service.at("volumes", i);
  const result = parseVolume(text);
  if (!result.ok) {
    service.error(`invalid volume "${text}": ${result.reason}`, "volumes", i);
    return undefined;
  }
  const volume = result.value;
  const target = withoutTrailingSlash(volume.target);
  if (!target.startsWith("/")) {
    // `v:/data` reaches here whole: compose reads a one-letter name before a colon as a Windows drive.
    const drive = volume.source === undefined && isWindowsPath(target) ? `; docker compose reads "${target.slice(0, 2)}" as a Windows drive, so a one-letter volume name cannot be used in the short syntax` : "";
    service.error(`volume target "${target}" must be an absolute path${drive}`, "volumes", i);
    return undefined;
  }
  const readOnly = volume.readOnly;
  const options = mountOptions(volume);
  if (volume.source === undefined) return { type: "anonymous", target, readOnly, options, at };
  if (volume.type === "bind") return { type: "bind", source: hostPath(service, volume.source, at), target, readOnly, options, at };
  return { type: "volume", volume: volume.source, target, readOnly, options, at };
}

/** The mode words docker's `--volume` takes besides ro/rw, from the typed modes. */
function mountOptions(volume: VolumeShortSyntax): string[] {
  const words = [volume.bind?.selinux, volume.bind?.propagation, volume.volume?.nocopy ? "nocopy" : undefined, volume.consistency];
  return words.filter((w): w is string => w !== undefined);
}

function longVolume(service: Node, i: number): Mount | undefined {
  const item = service.descend("volumes", i)!;
  const at = item.at();
  const type = scalarText(item.get("type")) ?? "volume";
  const target = withoutTrailingSlash(scalarText(item.get("target")) ?? "");
  const source = scalarText(item.get("source"));
  const readOnly = asBoolean(item.get("read_only")) ?? false;
  if (!target.startsWith("/")) {
    item.error(`volume target "${target}" must be an absolute path`, "target");
    return undefined;
  }
  const unsupported = (key: string, why: string) => service.ctx.diagnostics.error("unsupported-key", why, item.keyAt(key));
  for (const key of ["consistency"]) if (item.has(key)) unsupported(key, `"${key}" has no effect on Linux and is not supported`);
  switch (type) {
    case "bind": {
      if (!source) return void item.error("a bind mount needs a source", "type");
      const bind = item.child("bind");
      const options: string[] = [];
      const propagation = scalarText(bind?.get("propagation"));
      if (propagation) options.push(propagation);
      const selinux = scalarText(bind?.get("selinux"));
      if (selinux) options.push(selinux);
      if (bind && asBoolean(bind.get("create_host_path")) === false) unsupported("bind", "bind.create_host_path: false is not supported: docker creates missing host paths for -v mounts");
      return { type: "bind", source: hostPath(service, source, item.at("source")), target, readOnly, options, at };
    }
    case "volume": {
      const volume = item.child("volume");
      const options = volume && asBoolean(volume.get("nocopy")) ? ["nocopy"] : [];
      if (volume?.has("subpath")) unsupported("volume", "volume.subpath needs docker 26 or newer and is not supported");
      if (!source) return { type: "anonymous", target, readOnly, options, at };
      return { type: "volume", volume: source, target, readOnly, options, at };
    }
    case "tmpfs": {
      const tmpfs = item.child("tmpfs");
      const options: string[] = [];
      const size = tmpfs?.get("size");
      if (size !== undefined && size !== null) {
        if (!isByteSize(size as string | number)) return void item.error(`invalid tmpfs size "${String(size)}"`, "tmpfs", "size");
        options.push(`size=${String(size)}`);
      }
      const mode = tmpfs?.get("mode");
      if (mode !== undefined && mode !== null) options.push(`mode=${typeof mode === "number" ? mode.toString(8) : String(mode)}`);
      if (readOnly) options.push("ro");
      return { type: "tmpfs", target, options, at };
    }
    default:
      unsupported("type", `volume type "${type}" is not supported; use bind, volume or tmpfs`);
      return undefined;
  }
}

/**
 * Relative host paths are relative to the project directory, as in compose.
 * `~` is the home of whoever runs docker compose; the units run as root on
 * the host, so here it is /root, which the user is told, since compose on
 * their own machine would have used their home.
 */
function hostPath(service: Node, source: string, at: SourceLocation): string {
  if (source.startsWith("/")) return withoutTrailingSlash(posix.normalize(source));
  if (isWindowsPath(source)) {
    service.ctx.diagnostics.error("invalid-value", `"${source}" is a Windows path; the units run on a Linux host: write the path on the host`, at);
    return source;
  }
  if (startsWithHome(source)) {
    const path = withoutTrailingSlash(posix.join("/root", source.slice(1)));
    service.ctx.diagnostics.warning("invalid-value", `"${source}" is ${path} on the host: the units run as root, whose home is /root; write the absolute path to mean another user's home`, at);
    return path;
  }
  if (source.startsWith("~")) {
    // docker compose reads `~bob/x` as $HOME/bob/x, docker-compose 1.x as bob's home: neither is safe to guess.
    service.ctx.diagnostics.error("invalid-value", `"${source}": another user's home (~user) is not supported; write the absolute path`, at);
    return source;
  }
  return posix.resolve(service.ctx.projectDirectory, source);
}

/** Docker cleans mount paths: `/etc/app/` and `/etc/app` are the same mount. */
function withoutTrailingSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

function splitOnce(text: string, sep: string): [string, string | undefined] {
  const i = text.indexOf(sep);
  return i < 0 ? [text, undefined] : [text.slice(0, i), text.slice(i + 1)];
}

import { posix } from "node:path";
import type { SourceLocation } from "../../diagnostics.js";
import type { BindOptions, Mount, TmpfsEntry } from "../../model/project.js";
import { asBoolean, isMapping, scalarText, type Node } from "./context.js";
import { isByteSize } from "./units-of-measure.js";
import { startsWithHome } from "../input-paths.js";
import { PROPAGATION_MODES, isWindowsPath, parseVolume } from "../short-syntax/volume.js";

const PROPAGATION: ReadonlySet<string> = new Set(PROPAGATION_MODES);

/** `volumes:` of a service (short and long syntax), as mounts. */
export function normalizeMounts(service: Node): Mount[] {
  const out: Mount[] = [];
  const raw = service.get("volumes");
  if (Array.isArray(raw)) {
    raw.forEach((item, i) => {
      const mount = isMapping(item) ? longVolume(service, i) : shortVolume(service, scalarText(item) ?? "", i);
      if (mount) out.push(mount);
    });
  }
  return out;
}

/** `tmpfs:` of a service: a path, or a list of them, each with the kernel's mount options after a colon. */
export function normalizeTmpfs(service: Node): TmpfsEntry[] {
  const out: TmpfsEntry[] = [];
  const tmpfs = service.get("tmpfs");
  const tmpfsList = Array.isArray(tmpfs) ? tmpfs : tmpfs === undefined || tmpfs === null ? [] : [tmpfs];
  tmpfsList.forEach((item, i) => {
    const text = scalarText(item) ?? "";
    const [target, options] = splitOnce(text, ":");
    const at = Array.isArray(tmpfs) ? service.at("tmpfs", i) : service.at("tmpfs");
    if (!target.startsWith("/")) {
      service.ctx.diagnostics.error("invalid-volume", `tmpfs target "${target}" must be an absolute path`, at);
      return;
    }
    out.push({ target, options: options ? options.split(",") : [], at });
  });
  return out;
}

function shortVolume(service: Node, text: string, i: number): Mount | undefined {
  const at = service.at("volumes", i);
  const result = parseVolume(text);
  if (!result.ok) {
    service.report("invalid-volume", `invalid volume "${text}": ${result.reason}`, "volumes", i);
    return undefined;
  }
  const volume = result.value;
  const target = withoutTrailingSlash(volume.target);
  if (!target.startsWith("/")) {
    // `v:/data` reaches here whole: compose reads a one-letter name before a colon as a Windows drive.
    const drive =
      volume.source === undefined && isWindowsPath(target)
        ? `; docker compose reads "${target.slice(0, 2)}" as a Windows drive, so a one-letter volume name cannot be used in the short syntax`
        : "";
    service.report("invalid-volume", `volume target "${target}" must be an absolute path${drive}`, "volumes", i);
    return undefined;
  }
  const { readOnly, consistency } = volume;
  const bind: BindOptions = {
    ...(volume.bind?.propagation ? { propagation: volume.bind.propagation } : {}),
    ...(volume.bind?.selinux ? { selinux: volume.bind.selinux } : {}),
  };
  const nocopy = volume.volume?.nocopy ?? false;
  const extra = consistency ? { consistency } : {};
  const isBind = volume.source !== undefined && volume.type === "bind";
  const misplaced = isBind ? (nocopy ? "nocopy" : undefined) : (bind.propagation ?? bind.selinux);
  if (misplaced !== undefined) {
    service.report("invalid-volume", `invalid volume mode "${misplaced}" in "${text}": it applies to ${isBind ? "volumes" : "bind mounts"} only`, "volumes", i);
    return undefined;
  }
  if (volume.source === undefined) return { type: "anonymous", target, readOnly, nocopy, ...extra, at };
  if (isBind) return { type: "bind", source: hostPath(service, volume.source, at), target, readOnly, bind, ...extra, at };
  return { type: "volume", volume: volume.source, target, readOnly, nocopy, ...extra, at };
}

function longVolume(service: Node, i: number): Mount | undefined {
  const item = service.descend("volumes", i)!;
  const at = item.at();
  const type = scalarText(item.get("type")) ?? "volume";
  const target = withoutTrailingSlash(scalarText(item.get("target")) ?? "");
  const source = scalarText(item.get("source"));
  const readOnly = asBoolean(item.get("read_only")) ?? false;
  if (!target.startsWith("/")) {
    item.report("invalid-volume", `volume target "${target}" must be an absolute path`, "target");
    return undefined;
  }
  const unsupported = (key: string, why: string) => service.ctx.diagnostics.error("unsupported-key", why, item.keyAt(key));
  for (const key of ["consistency"]) if (item.has(key)) unsupported(key, `"${key}" has no effect on Linux and is not supported`);
  switch (type) {
    case "bind": {
      if (!source) return void item.report("missing-key", "a bind mount needs a source", "type");
      const bind = item.child("bind");
      const propagation = scalarText(bind?.get("propagation"));
      if (propagation && !PROPAGATION.has(propagation))
        return void bind!.report("invalid-volume", `bind propagation "${propagation}" must be one of ${[...PROPAGATION].join(", ")}`, "propagation");
      const selinux = scalarText(bind?.get("selinux"));
      if (selinux && selinux !== "z" && selinux !== "Z") return void bind!.report("invalid-volume", `bind selinux "${selinux}" must be z or Z`, "selinux");
      if (bind && asBoolean(bind.get("create_host_path")) === false)
        unsupported("bind", "bind.create_host_path: false is not supported: docker creates missing host paths for -v mounts");
      const options: BindOptions = {
        ...(propagation ? { propagation: propagation as BindOptions["propagation"] } : {}),
        ...(selinux ? { selinux: selinux as BindOptions["selinux"] } : {}),
      };
      return { type: "bind", source: hostPath(service, source, item.at("source")), target, readOnly, bind: options, at };
    }
    case "volume": {
      const volume = item.child("volume");
      const nocopy = (volume && asBoolean(volume.get("nocopy"))) ?? false;
      if (volume?.has("subpath")) unsupported("volume", "volume.subpath needs docker 26 or newer and is not supported");
      if (!source) return { type: "anonymous", target, readOnly, nocopy, at };
      return { type: "volume", volume: source, target, readOnly, nocopy, at };
    }
    case "tmpfs": {
      const tmpfs = item.child("tmpfs");
      const size = tmpfs?.get("size");
      if (size !== undefined && size !== null && !isByteSize(size as string | number))
        return void item.report("invalid-size", `invalid tmpfs size "${String(size)}"`, "tmpfs", "size");
      const modeValue = tmpfs?.get("mode");
      // A number is the bits, as compose reads it (YAML's 0o1777); a string is octal digits.
      const mode =
        modeValue === undefined || modeValue === null
          ? undefined
          : typeof modeValue === "number"
            ? modeValue
            : /^0?[0-7]{1,4}$/.test(String(modeValue))
              ? Number.parseInt(String(modeValue), 8)
              : Number.NaN;
      if (mode !== undefined && !(Number.isInteger(mode) && mode >= 0 && mode <= 0o7777))
        return void item.report("invalid-mode", `invalid tmpfs mode "${String(modeValue)}": give permission bits in octal, such as 1777`, "tmpfs", "mode");
      return {
        type: "tmpfs",
        target,
        readOnly,
        ...(size !== undefined && size !== null ? { size: String(size) } : {}),
        ...(mode !== undefined ? { mode } : {}),
        at,
      };
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
    service.ctx.diagnostics.error("invalid-volume", `"${source}" is a Windows path; the units run on a Linux host: write the path on the host`, at);
    return source;
  }
  if (startsWithHome(source)) {
    const path = withoutTrailingSlash(posix.join("/root", source.slice(1)));
    service.ctx.diagnostics.warning(
      "home-path",
      `"${source}" is ${path} on the host: the units run as root, whose home is /root; write the absolute path to mean another user's home`,
      at,
    );
    return path;
  }
  if (source.startsWith("~")) {
    // docker compose reads `~bob/x` as $HOME/bob/x, docker-compose 1.x as bob's home: neither is safe to guess.
    service.ctx.diagnostics.error("home-path", `"${source}": another user's home (~user) is not supported; write the absolute path`, at);
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

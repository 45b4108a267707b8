import { invalid, parsed, type Parsed } from "./parsed.js";

/** Bind propagation modes, as the short syntax's mode words and the long syntax's `bind.propagation` take them. */
export const PROPAGATION_MODES = ["shared", "slave", "private", "rshared", "rslave", "rprivate"] as const;
export type Propagation = (typeof PROPAGATION_MODES)[number];
export type SELinuxRelabel = "z" | "Z";
export type Consistency = "cached" | "delegated" | "consistent";

/**
 * A `volumes:` entry written `[SOURCE:]TARGET[:MODES]`, in the shape of
 * compose's long syntax so that both forms map to the model the same way.
 * Bind options are kept for a named volume too, as compose keeps them: what
 * a mount of that type may take is decided later, not by the spelling.
 */
export interface VolumeShortSyntax {
  /** `bind` when the source is a host path (`/`, `.`, `~`, a Windows drive or pipe), else `volume`. */
  readonly type: "bind" | "volume";
  /** A host path or a volume name, exactly as written; absent for an anonymous volume. */
  readonly source?: string;
  readonly target: string;
  readonly readOnly: boolean;
  readonly bind?: { readonly propagation?: Propagation; readonly selinux?: SELinuxRelabel };
  readonly volume?: { readonly nocopy: true };
  readonly consistency?: Consistency;
}

type ModeKind = "access" | "propagation" | "selinux" | "copy" | "consistency";

const MODE_KINDS: ReadonlyMap<string, ModeKind> = new Map<string, ModeKind>([
  ["ro", "access"],
  ["rw", "access"],
  ...PROPAGATION_MODES.map((m) => [m, "propagation"] as const),
  ["z", "selinux"],
  ["Z", "selinux"],
  ["nocopy", "copy"],
  ...(["cached", "delegated", "consistent"] as const).map((m) => [m, "consistency"] as const),
]);

/**
 * Reads a volume's short syntax as docker compose does: fields split at
 * `:`, except the colon of a Windows drive (`C:\data`, `c:/data`: one
 * letter, then a colon, at the start of a field), so such a path stays one
 * field and can be reported as a Windows path rather than misread. One
 * reading is docker's `-v` rather than compose's: `/path:ro` is an anonymous
 * volume at `/path` with its modes (compose would take `ro` as the target, a
 * path docker then refuses).
 */
export function parseVolume(text: string): Parsed<VolumeShortSyntax> {
  if (text === "") return invalid("a volume needs at least a target");
  const fields = splitFields(text);
  if (fields.length > 3) return invalid("too many colons: expected [SOURCE:]TARGET[:MODE]");
  if (fields.some((f) => f === "")) return invalid("empty section between colons: expected [SOURCE:]TARGET[:MODE]");
  if (fields.length === 1) return withModes({ type: "volume", target: fields[0]! }, undefined);
  const [first, second, third] = fields as [string, string, string | undefined];
  if (fields.length === 2 && first.startsWith("/") && isModeList(second)) return withModes({ type: "volume", target: first }, second);
  return withModes({ type: isHostPath(first) ? "bind" : "volume", source: first, target: second }, third);
}

/** Whether a volume source names a place on the host rather than a volume, by compose's rule. */
export function isHostPath(source: string): boolean {
  return source.startsWith("/") || source.startsWith(".") || source.startsWith("~") || isWindowsPath(source);
}

/** A path only Windows has: a drive (`C:\`, `c:/`) or a named pipe (`\\.\pipe\x`). */
export function isWindowsPath(path: string): boolean {
  return /^[A-Za-z]:/.test(path) || path.startsWith("\\\\");
}

function splitFields(text: string): string[] {
  const fields: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== ":") continue;
    if (i === start + 1 && /[A-Za-z]/.test(text[start]!)) continue;
    fields.push(text.slice(start, i));
    start = i + 1;
  }
  fields.push(text.slice(start));
  return fields;
}

function isModeList(text: string): boolean {
  return text.split(",").every((m) => MODE_KINDS.has(m));
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Each kind of mode at most once: docker refuses `ro,rw` or `z,Z`, so a unit carrying them would not start. */
function withModes(base: Omit<VolumeShortSyntax, "readOnly">, modes: string | undefined): Parsed<VolumeShortSyntax> {
  const out: Mutable<VolumeShortSyntax> = { ...base, readOnly: false };
  if (modes === undefined) return parsed(out);
  const words = modes.split(",");
  const unknown = words.filter((m) => !MODE_KINDS.has(m));
  if (unknown.length > 0)
    return invalid(
      `unknown mode "${unknown.join(",")}": expected ro, rw, z, Z, a propagation (shared, slave, private and their r forms), nocopy, cached, delegated or consistent`,
    );
  const seen = new Map<ModeKind, string>();
  let propagation: Propagation | undefined;
  let selinux: SELinuxRelabel | undefined;
  for (const word of words) {
    const kind = MODE_KINDS.get(word)!;
    const earlier = seen.get(kind);
    if (earlier !== undefined) return invalid(earlier === word ? `mode "${word}" is given twice` : `modes "${earlier}" and "${word}" contradict each other`);
    seen.set(kind, word);
    if (kind === "access") out.readOnly = word === "ro";
    else if (kind === "propagation") propagation = word as Propagation;
    else if (kind === "selinux") selinux = word as SELinuxRelabel;
    else if (kind === "copy") out.volume = { nocopy: true };
    else out.consistency = word as Consistency;
  }
  if (propagation !== undefined || selinux !== undefined) out.bind = { ...(propagation ? { propagation } : {}), ...(selinux ? { selinux } : {}) };
  return parsed(out);
}

import { invalid, parsed, type Parsed } from "./parsed.js";

export type Protocol = "tcp" | "udp" | "sctp";

/**
 * A `ports:` entry, in the fields of compose's long syntax. Ports stay text
 * because either may be a range (`8000-8010`), which the long syntax writes
 * as a string too.
 */
export interface PortShortSyntax {
  readonly target: string;
  /** Absent: docker picks a free host port. */
  readonly published?: string;
  /** Absent: every address of the host. */
  readonly hostIp?: string;
  readonly protocol: Protocol;
}

/** The fields as written, before they are checked: the long syntax's keys, or what the short one split into. */
export interface PortFields {
  readonly target: string;
  readonly published: string | undefined;
  readonly hostIp: string | undefined;
  readonly protocol: string;
}

const PORT_OR_RANGE = /^(\d{1,5})(?:-(\d{1,5}))?$/;
const IP_CHARACTERS = /^[0-9A-Fa-f.:]+$/;

/**
 * `[[HOST_IP:][HOST_PORT]:]CONTAINER_PORT[/PROTOCOL]`, as docker reads it:
 * the host IP may be bracketed (`[::1]:80:80`) or a bare IPv6 address, which
 * is then everything before the last two fields (`::1:80:80`).
 */
export function parsePort(text: string): Parsed<PortShortSyntax> {
  const fields = splitPort(text);
  return fields ? checkPort(fields) : invalid(`invalid port "${text}": expected [[HOST_IP:]HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`);
}

/** The checks every port binding passes, however it was written. */
export function checkPort(p: PortFields): Parsed<PortShortSyntax> {
  const target = PORT_OR_RANGE.exec(p.target);
  if (!target || !validRange(target)) return invalid(`invalid container port "${p.target}"`);
  if (p.published !== undefined) {
    const published = PORT_OR_RANGE.exec(p.published);
    if (!published || !validRange(published)) return invalid(`invalid published port "${p.published}"`);
    // A container range needs a host range of its size; one container port may take any port of a host range.
    if (span(target) > 0 && span(target) !== span(published)) return invalid(`port ranges "${p.published}" and "${p.target}" differ in size`);
  }
  const protocol = p.protocol.toLowerCase();
  if (protocol !== "tcp" && protocol !== "udp" && protocol !== "sctp") return invalid(`invalid protocol "${p.protocol}": expected tcp, udp or sctp`);
  const hostIp = p.hostIp === "" ? undefined : p.hostIp;
  if (hostIp !== undefined && !IP_CHARACTERS.test(hostIp)) return invalid(`invalid host IP "${hostIp}"`);
  return parsed({
    target: p.target,
    protocol,
    ...(p.published !== undefined ? { published: p.published } : {}),
    ...(hostIp !== undefined ? { hostIp } : {}),
  });
}

/** Port ranges with a protocol, as `expose:` takes them (`3000`, `8000-8010/udp`). */
export function parseExposedPort(text: string): Parsed<string> {
  const slash = text.indexOf("/");
  const port = slash < 0 ? text : text.slice(0, slash);
  const protocol = slash < 0 ? undefined : text.slice(slash + 1);
  const range = PORT_OR_RANGE.exec(port);
  const known = protocol === undefined || protocol === "tcp" || protocol === "udp" || protocol === "sctp";
  return range && validRange(range) && known ? parsed(text) : invalid(`invalid exposed port "${text}"`);
}

function splitPort(text: string): PortFields | undefined {
  let rest = text.trim();
  let protocol = "tcp";
  const slash = rest.lastIndexOf("/");
  if (slash >= 0) {
    protocol = rest.slice(slash + 1);
    rest = rest.slice(0, slash);
  }
  let hostIp: string | undefined;
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    if (close < 0 || rest[close + 1] !== ":") return undefined;
    hostIp = rest.slice(1, close);
    rest = rest.slice(close + 2);
  }
  const parts = rest.split(":");
  // After a bracketed address exactly HOST_PORT:CONTAINER_PORT is left: `[::1]:80` names no host port.
  if (hostIp !== undefined && parts.length !== 2) return undefined;
  const target = parts.pop()!;
  const published = parts.pop() || undefined;
  if (parts.length > 0) hostIp = parts.join(":");
  return { target, published, hostIp, protocol };
}

function span(m: RegExpExecArray): number {
  return m[2] ? Number(m[2]) - Number(m[1]) : 0;
}

function validRange(m: RegExpExecArray): boolean {
  const lo = Number(m[1]);
  const hi = m[2] ? Number(m[2]) : lo;
  return lo >= 0 && hi <= 65535 && lo <= hi;
}

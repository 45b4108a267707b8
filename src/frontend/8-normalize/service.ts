import type {
  Dependency,
  ExternalLink,
  Healthcheck,
  ImageSource,
  Label,
  Link,
  Located,
  NamespaceMode,
  NetworkAttachment,
  NetworkMode,
  RestartPolicy,
  Service,
  StopPolicy,
  VolumesFrom,
} from "../../model/project.js";
import { asBoolean, keyValueEntries, scalarText, type Node } from "./context.js";
import { normalizeHooks } from "./hooks.js";
import { normalizePorts } from "./ports.js";
import { parseLink } from "../short-syntax/link.js";
import { parseExposedPort } from "../short-syntax/port.js";
import { parseNamespaceReference } from "../short-syntax/reference.js";
import { parseVolumesFrom } from "../short-syntax/volumes-from.js";
import { containerName } from "./names.js";
import { commandWords, normalizeEnvironment } from "./process-settings.js";
import { normalizeProvidedFiles } from "./provided-files.js";
import { CONTAINER_KEYS, normalizeContainerSettings } from "./container-settings.js";
import { integerWithin, MAX_DURATION_SECONDS, parseDuration, rangeText, wholeSeconds } from "./units-of-measure.js";
import { normalizeMounts, normalizeTmpfs } from "./volumes.js";

/** Keys this module reads itself; everything else is a container setting, an extension, or rejected. */
const STRUCTURED_KEYS = new Set([
  "image", "build", "pull_policy", "command", "entrypoint", "environment", "env_file", "labels", "ports", "expose",
  "volumes", "tmpfs", "volumes_from", "links", "external_links", "depends_on", "network_mode", "networks",
  "hostname", "user", "working_dir", "restart", "container_name", "stop_grace_period", "stop_signal",
  "healthcheck", "ipc", "pid", "profiles", "scale", "deploy", "x-compose2units", "secrets", "configs", "post_start", "pre_stop",
]);

/** Why a compose key is refused, for keys that have no meaning for one container under systemd. */
const REJECTED_KEYS: Readonly<Record<string, string>> = {
  annotations: "annotations need docker 24 or newer (`docker run --annotation`), which the supported hosts lack",
  credential_spec: "credential_spec applies to Windows containers only",
  isolation: "isolation applies to Windows containers only",
  cpu_count: "cpu_count applies to Windows containers only; use cpus",
  cpu_percent: "cpu_percent applies to Windows containers only; use cpus",
};

/**
 * Keys that only steer docker compose's own front end: harmless to leave in a
 * compose file that is also used for development, so they are ignored with a
 * warning rather than refused.
 */
const IGNORED_KEYS: Readonly<Record<string, string>> = {
  attach: "attach only chooses what `docker compose up` prints; every container's output goes to the journal, and the key is ignored",
  develop: "develop is for `docker compose watch` during development; it has no meaning on a host and is ignored",
};

/** Turns one validated service mapping into the model, reporting what cannot be compiled. */
export function normalizeService(node: Node, name: string, format: "v1" | "compose", top: Node): Service | undefined {
  const ctx = node.ctx;
  for (const key of Object.keys(node.value)) {
    if (CONTAINER_KEYS.has(key) || STRUCTURED_KEYS.has(key) || key.startsWith("x-")) continue;
    const ignored = IGNORED_KEYS[key];
    if (ignored !== undefined) {
      ctx.diagnostics.warning("unsupported-key", `service "${name}": ${ignored}`, node.keyAt(key));
      continue;
    }
    ctx.diagnostics.error("unsupported-key", `service "${name}": ${REJECTED_KEYS[key] ?? `"${key}" is not supported`}`, node.keyAt(key));
  }

  const image = imageSource(node, name);
  const container = normalizeContainerSettings(node, name);
  const networkMode = normalizeNetworkMode(node) ?? (format === "v1" ? { kind: "bridge" as const, at: node.keyAt() } : undefined);
  if (node.has("network_mode") && node.has("networks")) node.ctx.diagnostics.error("invalid-value", `service "${name}": network_mode and networks cannot be combined`, node.keyAt("networks"));
  const dependsOn = [...explicitDependencies(node)];
  const links = normalizeLinks(node);
  const volumesFrom = normalizeVolumesFrom(node);
  for (const l of links) dependsOn.push(implied(l.service, "links", l.at));
  for (const v of volumesFrom) if (v.source.kind === "service") dependsOn.push(implied(v.source.name, "volumes_from", v.at));
  if (networkMode?.kind === "service") dependsOn.push(implied(networkMode.service, "network_mode", networkMode.at));
  const ipc = namespaceMode(node, "ipc");
  const pid = namespaceMode(node, "pid");
  if (ipc?.kind === "service") dependsOn.push(implied(ipc.service, "ipc", ipc.at));
  if (pid?.kind === "service") dependsOn.push(implied(pid.service, "pid", pid.at));
  checkExtension(node);
  const externalLinks = normalizeExternalLinks(node);
  checkScale(node);

  if (!image) return undefined;
  const located = (key: string): Located<string> | undefined => {
    const text = scalarText(node.get(key));
    return text === undefined ? undefined : { value: text, at: node.at(key) };
  };
  const command = commandWords(node, "command");
  const entrypoint = commandWords(node, "entrypoint");
  const healthcheck = normalizeHealthcheck(node);
  const hostname = located("hostname");
  const user = located("user");
  const workingDir = located("working_dir");
  return {
    name,
    at: node.keyAt(),
    containerName: containerName(node) ?? `${ctx.projectName}-${name}-1`,
    image,
    ...(command ? { command } : {}),
    ...(entrypoint ? { entrypoint } : {}),
    environment: normalizeEnvironment(node),
    labels: normalizeLabels(node),
    ports: normalizePorts(node),
    expose: exposeList(node),
    mounts: normalizeMounts(node),
    tmpfs: normalizeTmpfs(node),
    files: [...normalizeProvidedFiles(node, top, "secret"), ...normalizeProvidedFiles(node, top, "config")],
    volumesFrom,
    links,
    dependsOn: dedupeDependencies(dependsOn),
    ...(networkMode ? { networkMode } : {}),
    ...(ipc ? { ipc } : {}),
    ...(pid ? { pid } : {}),
    networks: networkMode ? [] : normalizeNetworks(node, format),
    ...(hostname ? { hostname } : {}),
    ...(user ? { user } : {}),
    ...(workingDir ? { workingDir } : {}),
    restart: normalizeRestart(node),
    stop: normalizeStop(node),
    ...(healthcheck ? { healthcheck } : {}),
    postStart: normalizeHooks(node, "post_start"),
    preStop: normalizeHooks(node, "pre_stop"),
    container,
    externalLinks,
  };
}

function imageSource(node: Node, name: string): ImageSource | undefined {
  const ref = scalarText(node.get("image"));
  const ext = node.child("x-compose2units");
  const archive = scalarText(ext?.get("image_archive"));
  if (node.has("build")) {
    if (ref === undefined) {
      node.ctx.diagnostics.error(
        "unsupported-key",
        `service "${name}" has build: but no image: compose2units runs images and does not build them; build and push the image (or save it with docker save and set x-compose2units.image_archive), then name it with image:`,
        node.keyAt("build"),
      );
      return undefined;
    }
    node.ctx.diagnostics.warning("unsupported-key", `service "${name}": build: is ignored; the unit runs the image "${ref}", which must be pullable or loaded from an archive`, node.keyAt("build"));
  }
  if (ref === undefined) {
    node.ctx.diagnostics.error("invalid-value", `service "${name}" needs an image`, node.keyAt());
    return undefined;
  }
  // docker's references start with a letter or digit; one starting with "-" would be read as an option.
  if (!/^[^\s-][^\s]*$/.test(ref)) {
    node.error(`invalid image reference "${ref}"`, "image");
    return undefined;
  }
  const refAt = { value: ref, at: node.at("image") };
  if (archive !== undefined) {
    if (!archive.startsWith("/")) {
      ext!.error(`image_archive "${archive}" must be an absolute path on the host`, "image_archive");
      return undefined;
    }
    return { kind: "archive", ref: refAt, archive: { value: archive, at: ext!.at("image_archive") } };
  }
  return { kind: "registry", ref: refAt, pull: pullPolicy(node) };
}

function pullPolicy(node: Node): "always" | "missing" | "never" {
  const text = scalarText(node.get("pull_policy"));
  switch (text) {
    case undefined:
    case "missing":
    case "if_not_present":
      return "missing";
    case "always":
    case "never":
      return text;
    default:
      node.ctx.diagnostics.error(
        "unsupported-key",
        `pull_policy "${text}" is not supported: use always, missing or never (images are not built on the host)`,
        node.at("pull_policy"),
      );
      return "missing";
  }
}

function normalizeLabels(node: Node): Label[] {
  return keyValueEntries(node, "labels").map((e) => ({ name: e.name, value: e.value ?? "", at: node.at(...e.path) }));
}

function exposeList(node: Node): Located<string>[] {
  const raw = node.get("expose");
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((v, i) => {
    const port = parseExposedPort(scalarText(v) ?? String(v));
    if (!port.ok) {
      node.error(port.reason, "expose", i);
      return [];
    }
    return [{ value: port.value, at: node.at("expose", i) }];
  });
}

function explicitDependencies(node: Node): Dependency[] {
  const raw = node.get("depends_on");
  if (Array.isArray(raw)) {
    return raw.flatMap((v, i) => {
      const service = scalarText(v);
      return service ? [{ service, condition: "service_started", required: true, restart: false, origin: "depends_on", at: node.at("depends_on", i) } as const] : [];
    });
  }
  const map = node.child("depends_on");
  if (!map) return [];
  return Object.keys(map.value).map((service) => {
    const spec = map.child(service);
    const condition = (scalarText(spec?.get("condition")) ?? "service_started") as Dependency["condition"];
    return {
      service,
      condition,
      required: asBoolean(spec?.get("required")) ?? true,
      restart: asBoolean(spec?.get("restart")) ?? false,
      origin: "depends_on" as const,
      at: map.keyAt(service),
    };
  });
}

function implied(service: string, origin: Dependency["origin"], at: Dependency["at"]): Dependency {
  return { service, condition: "service_started", required: true, restart: false, origin, at };
}

/** One edge per dependency; an explicit `depends_on` keeps its condition over an implied one. */
function dedupeDependencies(deps: Dependency[]): Dependency[] {
  const out = new Map<string, Dependency>();
  for (const d of deps) if (!out.has(d.service)) out.set(d.service, d);
  return [...out.values()];
}

/** `links` and `external_links` entries, the alias defaulting to the name. */
function linkEntries(node: Node, key: "links" | "external_links"): { name: string; alias: string; at: Link["at"] }[] {
  const raw = node.get(key);
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((v, i) => {
    const link = parseLink(scalarText(v) ?? "");
    if (!link.ok) {
      node.error(link.reason, key, i);
      return [];
    }
    return [{ ...link.value, at: node.at(key, i) }];
  });
}

function normalizeLinks(node: Node): Link[] {
  return linkEntries(node, "links").map((l) => ({ service: l.name, alias: l.alias, at: l.at }));
}

function normalizeExternalLinks(node: Node): ExternalLink[] {
  return linkEntries(node, "external_links").map((l) => ({ container: l.name, alias: l.alias, at: l.at }));
}

function normalizeVolumesFrom(node: Node): VolumesFrom[] {
  const raw = node.get("volumes_from");
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((v, i): VolumesFrom[] => {
    const entry = parseVolumesFrom(scalarText(v) ?? "");
    if (!entry.ok) {
      node.error(entry.reason, "volumes_from", i);
      return [];
    }
    return [{ ...entry.value, at: node.at("volumes_from", i) }];
  });
}

/** `ipc:` and `pid:`: `service:NAME` shares another service's namespace and so depends on it. */
function namespaceMode(node: Node, key: "ipc" | "pid"): NamespaceMode | undefined {
  const text = scalarText(node.get(key));
  if (text === undefined) return undefined;
  const at = node.at(key);
  const reference = parseNamespaceReference(text);
  if (!reference.ok) {
    node.error(`invalid ${key} "${text}": ${reference.reason}`, key);
    return undefined;
  }
  return reference.value.kind === "service" ? { kind: "service", service: reference.value.name, at } : { kind: "value", value: text, at };
}

const EXTENSION_KEYS = new Set(["image_archive"]);

/** Our own `x-compose2units` settings are checked like any other key: a typo must not pass silently. */
function checkExtension(node: Node): void {
  const ext = node.get("x-compose2units");
  if (ext === undefined) return;
  const map = node.child("x-compose2units");
  if (!map) {
    node.error("x-compose2units must be a mapping", "x-compose2units");
    return;
  }
  for (const key of Object.keys(map.value)) {
    if (!EXTENSION_KEYS.has(key)) node.ctx.diagnostics.error("unsupported-key", `x-compose2units: unknown key "${key}" (known: ${[...EXTENSION_KEYS].join(", ")})`, map.keyAt(key));
  }
}

function normalizeNetworkMode(node: Node): NetworkMode | undefined {
  const text = scalarText(node.get("network_mode"));
  if (text === undefined) return undefined;
  const at = node.at("network_mode");
  const reference = parseNamespaceReference(text);
  const value = reference.ok ? reference.value : undefined;
  if (value?.kind === "service") return { kind: "service", service: value.name, at };
  if (value?.kind === "container") return { kind: "container", container: value.name, at };
  if (value?.mode === "host" || value?.mode === "none" || value?.mode === "bridge") return { kind: value.mode, at };
  node.error(`invalid network_mode "${text}": expected host, none, bridge, service:NAME or container:NAME`, "network_mode");
  return undefined;
}

function normalizeNetworks(node: Node, format: "v1" | "compose"): NetworkAttachment[] {
  const raw = node.get("networks");
  if (raw === undefined || raw === null) {
    return format === "compose" ? [{ network: "default", aliases: [], linkLocalIps: [], at: node.keyAt() }] : [];
  }
  if (Array.isArray(raw)) {
    return raw
      .flatMap((v, i) => {
        const name = scalarText(v);
        return name ? [{ network: name, aliases: [], linkLocalIps: [], at: node.at("networks", i) }] : [];
      })
      .sort((a, b) => (a.network < b.network ? -1 : 1));
  }
  const map = node.child("networks");
  if (!map) return [];
  const texts = (spec: Node | undefined, key: string) => {
    const v = spec?.get(key);
    return Array.isArray(v) ? v.map((a) => scalarText(a) ?? "").filter(Boolean) : [];
  };
  const attachments = Object.keys(map.value).map((name) => {
    const spec = map.child(name);
    for (const key of ["mac_address", "driver_opts", "gw_priority", "interface_name"]) {
      if (spec?.has(key)) node.ctx.diagnostics.error("unsupported-key", `networks.${name}.${key} needs a newer docker than the supported hosts run and is not supported`, spec.keyAt(key));
    }
    const ipv4 = scalarText(spec?.get("ipv4_address"));
    const ipv6 = scalarText(spec?.get("ipv6_address"));
    const priority = Number(scalarText(spec?.get("priority")) ?? 0);
    const attachment: NetworkAttachment = {
      network: name,
      aliases: texts(spec, "aliases"),
      ...(ipv4 ? { ipv4Address: ipv4 } : {}),
      ...(ipv6 ? { ipv6Address: ipv6 } : {}),
      linkLocalIps: texts(spec, "link_local_ips"),
      ...(spec?.has("priority") && Number.isFinite(priority) ? { priority } : {}),
      at: map.keyAt(name),
    };
    return { attachment, priority: Number.isFinite(priority) ? priority : 0 };
  });
  return attachments
    .sort((a, b) => b.priority - a.priority || (a.attachment.network < b.attachment.network ? -1 : 1))
    .map((a) => a.attachment);
}

function normalizeRestart(node: Node): RestartPolicy {
  const text = scalarText(node.get("restart"));
  if (text === undefined) return { mode: "no" };
  const at = node.at("restart");
  const m = /^(no|always|unless-stopped|on-failure)(?::(\d+))?$/.exec(text);
  if (!m || (m[2] !== undefined && m[1] !== "on-failure")) {
    node.error(`invalid restart policy "${text}": expected no, always, unless-stopped or on-failure[:N]`, "restart");
    return { mode: "no", at };
  }
  if (m[2] !== undefined && !integerWithin(m[2], 0n, BigInt(MAX_RESTARTS))) {
    node.error(`restart "${text}": on-failure takes from ${rangeText(0, MAX_RESTARTS)} restarts (systemd counts the first start and the restarts in an unsigned 32-bit StartLimitBurst=)`, "restart");
    return { mode: "no", at };
  }
  return { mode: m[1] as RestartPolicy["mode"], ...(m[2] !== undefined ? { maxRetries: Number(m[2]) } : {}), at };
}

/** StartLimitBurst= is N + 1 and an unsigned 32-bit number. */
const MAX_RESTARTS = 2 ** 32 - 2;

/** A duration in seconds, reported at `key` of `node` when it is not one or is out of range. */
function boundedDuration(node: Node, key: string): number | undefined {
  const raw = node.get(key);
  if (raw === undefined || raw === null) return undefined;
  const seconds = parseDuration(raw as string | number);
  if (seconds === undefined) {
    node.error(`invalid duration "${String(raw)}" (expected e.g. 10s, 1m30s)`, key);
    return undefined;
  }
  if (seconds > MAX_DURATION_SECONDS) {
    node.error(`${key} "${String(raw)}" is out of range: from ${rangeText(0, MAX_DURATION_SECONDS)} seconds (about 68 years)`, key);
    return undefined;
  }
  return seconds;
}

/**
 * docker's signal names (case does not matter, SIG is optional, real-time
 * ones as RTMIN+N) or numbers; anything else docker refuses, and a control
 * character could not be put on a unit line.
 */
const SIGNAL = /^(?:(?:SIG)?[A-Z][A-Z0-9]*(?:[+-]\d{1,2})?|\d{1,2})$/i;

function normalizeStop(node: Node): StopPolicy {
  const seconds = boundedDuration(node, "stop_grace_period");
  const grace = seconds === undefined ? 10 : wholeSeconds(seconds);
  const text = scalarText(node.get("stop_signal"));
  if (text && !SIGNAL.test(text)) node.error(`stop_signal ${JSON.stringify(text)} is not a signal: write a name such as SIGTERM or SIGQUIT, or a number such as 15`, "stop_signal");
  return { gracePeriodSeconds: grace, ...(text && SIGNAL.test(text) ? { signal: { value: text, at: node.at("stop_signal") } } : {}) };
}

function normalizeHealthcheck(node: Node): Healthcheck | undefined {
  const hc = node.child("healthcheck");
  if (!hc) return undefined;
  const at = node.at("healthcheck");
  const duration = (key: string): number | undefined => boundedDuration(hc, key);
  if (asBoolean(hc.get("disable")) === true) return { kind: "disabled", at };
  const rawTest = hc.get("test");
  let test: string[] = [];
  if (typeof rawTest === "string") test = ["CMD-SHELL", rawTest];
  else if (Array.isArray(rawTest)) test = rawTest.map((t) => scalarText(t) ?? "");
  if (test.length > 0 && !["NONE", "CMD", "CMD-SHELL"].includes(test[0]!)) {
    hc.error(`healthcheck test must start with NONE, CMD or CMD-SHELL, not "${test[0]}"`, "test");
    return undefined;
  }
  const retriesText = scalarText(hc.get("retries"));
  // docker keeps retries in an int; the bound keeps the wait a dependent allows (readiness.ts) a number systemd takes.
  const retriesOk = retriesText !== undefined && integerWithin(retriesText, 0n, BigInt(MAX_RETRIES));
  if (retriesText !== undefined && !retriesOk) hc.error(`healthcheck retries must be a whole number from ${rangeText(0, MAX_RETRIES)}, not "${retriesText}"`, "retries");
  const retries = retriesOk ? Number(retriesText) : undefined;
  const interval = duration("interval");
  const timeout = duration("timeout");
  const startPeriod = duration("start_period");
  if (hc.has("start_interval")) node.ctx.diagnostics.error("unsupported-key", "healthcheck.start_interval needs docker 25 or newer and is not supported", hc.keyAt("start_interval"));
  if (test[0] === "NONE") return { kind: "disabled", at };
  // docker joins the words of a CMD-SHELL test with spaces into one command for the shell.
  const kind =
    test[0] === "CMD-SHELL" ? { kind: "shell" as const, command: test.slice(1).join(" ") } : test[0] === "CMD" ? { kind: "exec" as const, argv: test.slice(1) } : { kind: "image" as const };
  return {
    ...kind,
    ...(interval !== undefined ? { intervalSeconds: interval } : {}),
    ...(timeout !== undefined ? { timeoutSeconds: timeout } : {}),
    ...(startPeriod !== undefined ? { startPeriodSeconds: startPeriod } : {}),
    ...(retries !== undefined ? { retries } : {}),
    at,
  };
}

const MAX_RETRIES = 2 ** 31 - 1;

function checkScale(node: Node): void {
  const scale = node.get("scale");
  if (scale !== undefined && scale !== 1 && scale !== "1") {
    node.error("scale other than 1 is not supported: each service runs one container under one unit", "scale");
  }
}

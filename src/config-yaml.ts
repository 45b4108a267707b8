import { stringify } from "yaml";
import type { Healthcheck, LifecycleHook, Mount, NamespaceMode, NetworkMode, Project, RestartPolicy, Service } from "./model/project.js";

/**
 * The loaded project as YAML, like `docker compose config`: every service in
 * the long form compose2units normalized it to, with the implied
 * dependencies of links, volumes_from and `service:` namespaces under
 * `depends_on`, durations in Go's spelling, and `$` written `$$` so the
 * output reads back as the same values. Reads only the model.
 *
 * What has no compose key of its own is shown under `x-` keys: the
 * `docker run` flags of keys without further structure (`x-run-flags`) and
 * the arguments of `docker network/volume create` (`x-create-args`).
 * Secret and config contents are never printed.
 */
export function projectToYaml(project: Project): string {
  const doc: Record<string, unknown> = { name: project.name };
  const services: Record<string, unknown> = {};
  for (const service of [...project.services].sort((a, b) => (a.name < b.name ? -1 : 1))) services[service.name] = serviceConfig(service);
  doc.services = services;
  if (project.networks.length > 0) {
    doc.networks = Object.fromEntries(
      project.networks.map((n) => [n.key, { name: n.dockerName, ...(n.external ? { external: true } : {}), ...(n.createArgs.length ? { "x-create-args": n.createArgs.flatMap((f) => f.argv) } : {}) }]),
    );
  }
  if (project.volumes.length > 0) {
    doc.volumes = Object.fromEntries(
      project.volumes.map((v) => [v.key, { name: v.dockerName, ...(v.external ? { external: true } : {}), ...(v.createArgs.length ? { "x-create-args": v.createArgs.flatMap((f) => f.argv) } : {}) }]),
    );
  }
  // YAML 1.1 quoting, so that `no`, `on` and `0644` stay strings for every reader, docker-compose 1.x's included.
  return stringify(escapeDollars(doc), { version: "1.1", lineWidth: 0, aliasDuplicateObjects: false });
}

function serviceConfig(s: Service): Record<string, unknown> {
  const out: Record<string, unknown> = { container_name: s.containerName, image: s.image.ref.value };
  if (s.image.kind === "registry") out.pull_policy = s.image.pull;
  else out["x-compose2units"] = { image_archive: s.image.archive.value };
  if (s.entrypoint) out.entrypoint = [...s.entrypoint.value];
  if (s.command) out.command = [...s.command.value];
  if (s.environment.length) out.environment = Object.fromEntries(byName(s.environment).map((e) => [e.name, e.value]));
  if (s.labels.length) out.labels = Object.fromEntries(byName(s.labels).map((l) => [l.name, l.value]));
  if (s.ports.length) {
    out.ports = s.ports.map((p) => ({
      target: numeric(p.target),
      ...(p.published !== undefined ? { published: p.published } : {}),
      ...(p.hostIp !== undefined ? { host_ip: p.hostIp } : {}),
      protocol: p.protocol,
    }));
  }
  if (s.expose.length) out.expose = s.expose.map((e) => e.value);
  if (s.mounts.length) out.volumes = s.mounts.map(mountConfig);
  if (s.volumesFrom.length) out.volumes_from = s.volumesFrom.map((v) => `${v.source.kind === "container" ? "container:" : ""}${v.source.name}${v.readOnly ? ":ro" : ""}`);
  if (s.links.length) out.links = s.links.map((l) => (l.alias === l.service ? l.service : `${l.service}:${l.alias}`));
  if (s.dependsOn.length) {
    out.depends_on = Object.fromEntries(s.dependsOn.map((d) => [d.service, { condition: d.condition, required: d.required, restart: d.restart }]));
  }
  if (s.networkMode) out.network_mode = networkMode(s.networkMode);
  if (s.ipc) out.ipc = namespace(s.ipc);
  if (s.pid) out.pid = namespace(s.pid);
  if (s.networks.length) {
    out.networks = Object.fromEntries(
      s.networks.map((n) => {
        const spec = {
          ...(n.aliases.length ? { aliases: [...n.aliases] } : {}),
          ...(n.ipv4Address ? { ipv4_address: n.ipv4Address } : {}),
          ...(n.ipv6Address ? { ipv6_address: n.ipv6Address } : {}),
          ...(n.linkLocalIps.length ? { link_local_ips: [...n.linkLocalIps] } : {}),
        };
        return [n.network, Object.keys(spec).length ? spec : null];
      }),
    );
  }
  if (s.hostname) out.hostname = s.hostname.value;
  if (s.user) out.user = s.user.value;
  if (s.workingDir) out.working_dir = s.workingDir.value;
  out.restart = restart(s.restart);
  out.stop_grace_period = goDuration(s.stop.gracePeriodSeconds);
  if (s.stop.signal) out.stop_signal = s.stop.signal.value;
  if (s.healthcheck) out.healthcheck = healthcheck(s.healthcheck);
  if (s.postStart.length) out.post_start = s.postStart.map(hookConfig);
  if (s.preStop.length) out.pre_stop = s.preStop.map(hookConfig);
  for (const kind of ["secret", "config"] as const) {
    const files = s.files.filter((f) => f.kind === kind);
    if (files.length) {
      out[`${kind}s`] = files.map((f) => ({
        source: f.name,
        target: f.target,
        ...(f.uid ? { uid: f.uid } : {}),
        ...(f.gid ? { gid: f.gid } : {}),
        mode: `0${f.mode.toString(8)}`,
      }));
    }
  }
  if (s.runFlags.length) out["x-run-flags"] = s.runFlags.map((f) => [...f.argv]);
  return out;
}

function hookConfig(h: LifecycleHook): Record<string, unknown> {
  return {
    command: [...h.command.value],
    ...(h.user ? { user: h.user.value } : {}),
    ...(h.privileged ? { privileged: true } : {}),
    ...(h.workingDir ? { working_dir: h.workingDir.value } : {}),
    ...(h.environment.length ? { environment: Object.fromEntries(byName(h.environment).map((e) => [e.name, e.value])) } : {}),
  };
}

function byName<T extends { name: string }>(list: readonly T[]): T[] {
  return [...list].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function numeric(text: string): string | number {
  return /^\d+$/.test(text) ? Number(text) : text;
}

const PROPAGATION = new Set(["shared", "slave", "private", "rshared", "rslave", "rprivate"]);

function mountConfig(m: Mount): Record<string, unknown> {
  const rest = [...m.options];
  const take = (pred: (o: string) => boolean) => {
    const i = rest.findIndex(pred);
    return i < 0 ? undefined : rest.splice(i, 1)[0];
  };
  const out: Record<string, unknown> = { type: m.type === "anonymous" ? "volume" : m.type };
  if (m.type === "bind") out.source = m.source;
  if (m.type === "volume") out.source = m.volume;
  out.target = m.target;
  if (m.type !== "tmpfs" && m.readOnly) out.read_only = true;
  if (m.type === "bind") {
    const propagation = take((o) => PROPAGATION.has(o));
    const selinux = take((o) => o === "z" || o === "Z");
    if (propagation || selinux) out.bind = { ...(propagation ? { propagation } : {}), ...(selinux ? { selinux } : {}) };
  } else if (m.type === "volume" || m.type === "anonymous") {
    if (take((o) => o === "nocopy")) out.volume = { nocopy: true };
  } else {
    const size = take((o) => o.startsWith("size="));
    const mode = take((o) => o.startsWith("mode="));
    if (take((o) => o === "ro")) out.read_only = true;
    if (size || mode) out.tmpfs = { ...(size ? { size: size.slice(5) } : {}), ...(mode ? { mode: mode.slice(5) } : {}) };
  }
  const consistency = take((o) => o === "cached" || o === "delegated" || o === "consistent");
  if (consistency) out.consistency = consistency;
  if (rest.length) out["x-options"] = rest;
  return out;
}

function networkMode(mode: NetworkMode): string {
  if (mode.kind === "service") return `service:${mode.service}`;
  if (mode.kind === "container") return `container:${mode.container}`;
  return mode.kind;
}

function namespace(mode: NamespaceMode): string {
  return mode.kind === "service" ? `service:${mode.service}` : mode.value;
}

function restart(policy: RestartPolicy): string {
  return policy.mode === "on-failure" && policy.maxRetries !== undefined ? `on-failure:${policy.maxRetries}` : policy.mode;
}

function healthcheck(h: Healthcheck): Record<string, unknown> {
  if (h.test.length === 1 && h.test[0] === "NONE") return { disable: true };
  return {
    ...(h.test.length ? { test: [...h.test] } : {}),
    ...(h.intervalSeconds !== undefined ? { interval: goDuration(h.intervalSeconds) } : {}),
    ...(h.timeoutSeconds !== undefined ? { timeout: goDuration(h.timeoutSeconds) } : {}),
    ...(h.startPeriodSeconds !== undefined ? { start_period: goDuration(h.startPeriodSeconds) } : {}),
    ...(h.retries !== undefined ? { retries: h.retries } : {}),
  };
}

/** Seconds in Go's duration spelling, as compose prints them: `1m30s`, `500ms`, `1h0m0s`. */
export function goDuration(seconds: number): string {
  if (seconds === 0) return "0s";
  if (seconds < 1) return `${trim(seconds * 1000)}ms`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds - h * 3600) / 60);
  const s = seconds - h * 3600 - m * 60;
  return `${h ? `${h}h` : ""}${h || m ? `${m}m` : ""}${trim(s)}s`;
}

function trim(n: number): string {
  return String(Math.round(n * 1e6) / 1e6);
}

function escapeDollars(v: unknown): unknown {
  if (typeof v === "string") return v.replace(/\$/g, "$$$$");
  if (Array.isArray(v)) return v.map(escapeDollars);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, escapeDollars(x)]));
  return v;
}

import type { Environment } from "./environment.js";
import { inspect } from "./stack.js";

/** A container as docker reports it, plus its mounts as the kernel sees them from inside. */
export interface Observed {
  readonly inspect: any;
  /** Mount point → "<fstype> <options>" from /proc/1/mounts, for every mount docker made. */
  readonly mountTable: Record<string, string>;
}

export async function observe(e: Environment, container: string): Promise<Observed> {
  const c = await inspect(e.engine, container);
  const targets = new Set<string>([
    ...c.Mounts.map((m: any) => m.Destination as string),
    ...Object.keys(c.HostConfig.Tmpfs ?? {}),
    ...(c.HostConfig.Mounts ?? []).map((m: any) => m.Target as string),
  ]);
  const mounts = await e.engine.must(["exec", container, "cat", "/proc/1/mounts"]);
  const mountTable: Record<string, string> = {};
  for (const line of mounts.split("\n")) {
    const [, target, fstype, options] = line.split(" ");
    if (target && targets.has(target)) mountTable[target] = `${fstype} ${options}`;
  }
  return { inspect: c, mountTable };
}

/**
 * What must be equal between a container the units started and the one
 * docker compose started from the same service: what it runs, with which
 * environment and labels, how it is published, mounted and networked, as
 * whom, where, with which healthcheck, limits and capabilities. Names,
 * compose's own labels, the restart policy and --rm are the intended
 * differences and are left out here (the test asserts them separately).
 */
export function comparable(o: Observed): Record<string, unknown> {
  const c = o.inspect;
  const sorted = <T>(list: readonly T[] | null | undefined) => [...(list ?? [])].sort();
  const shortId = (c.Id as string).slice(0, 12);
  return {
    image: c.Config.Image,
    imageId: c.Image,
    process: [c.Path, ...c.Args],
    // docker run takes one word for --entrypoint; compose2units puts the rest of a list entrypoint in
    // front of the command. What runs is the same (process, above); how inspect splits it is not.
    entrypointAndCmd: [...(c.Config.Entrypoint ?? []), ...(c.Config.Cmd ?? [])],
    env: sorted(c.Config.Env),
    labels: Object.fromEntries(Object.entries(c.Config.Labels ?? {}).filter(([k]) => !k.startsWith("com.docker.compose."))),
    portBindings: c.HostConfig.PortBindings,
    exposedPorts: sorted(Object.keys(c.Config.ExposedPorts ?? {})),
    // A tmpfs is in .Mounts when made through the mounts API (compose's long syntax) but not when made
    // with --tmpfs; `tmpfs` and `mountTable` compare what the container gets either way.
    mounts: c.Mounts.filter((m: any) => m.Type !== "tmpfs")
      .map((m: any) => ({ type: m.Type, ...(m.Type === "volume" ? { name: m.Name } : { source: m.Source }), destination: m.Destination, rw: m.RW }))
      .sort((a: any, b: any) => (a.destination < b.destination ? -1 : 1)),
    tmpfs: sorted([...Object.keys(c.HostConfig.Tmpfs ?? {}), ...(c.HostConfig.Mounts ?? []).filter((m: any) => m.Type === "tmpfs").map((m: any) => m.Target)]),
    mountTable: o.mountTable,
    networkMode: c.HostConfig.NetworkMode,
    networks: Object.fromEntries(
      Object.entries(c.NetworkSettings.Networks as Record<string, any>)
        .map(([name, n]) => [name, sorted((n.Aliases ?? []).filter((a: string) => a !== shortId))] as const)
        .sort(([a], [b]) => (a < b ? -1 : 1)),
    ),
    user: c.Config.User,
    workingDir: c.Config.WorkingDir,
    // Without hostname:, docker names the host after the container's ID, which differs by nature.
    hostname: c.Config.Hostname === shortId ? "<container id>" : c.Config.Hostname,
    healthcheck: c.Config.Healthcheck ? { ...c.Config.Healthcheck, Test: healthTestAsShell(c.Config.Healthcheck.Test) } : null,
    ulimits: [...(c.HostConfig.Ulimits ?? [])].sort((a: any, b: any) => (a.Name < b.Name ? -1 : 1)),
    capAdd: sorted(c.HostConfig.CapAdd),
    capDrop: sorted(c.HostConfig.CapDrop),
    extraHosts: sorted(c.HostConfig.ExtraHosts),
    stopSignal: c.Config.StopSignal ?? null,
    init: c.HostConfig.Init ?? null,
    readOnlyRootfs: c.HostConfig.ReadonlyRootfs,
    shmSize: c.HostConfig.ShmSize,
    privileged: c.HostConfig.Privileged,
    securityOpt: sorted(c.HostConfig.SecurityOpt),
    ipcMode: c.HostConfig.IpcMode,
    pidMode: c.HostConfig.PidMode,
    dns: sorted(c.HostConfig.Dns),
    // The driver; its options differ on purpose where the compose file sets no logging (see the e2e's intended differences).
    logDriver: c.HostConfig.LogConfig.Type,
    tty: c.Config.Tty,
    openStdin: c.Config.OpenStdin,
  };
}

/**
 * `docker run` has no exec-form healthcheck, so compose2units turns
 * ["CMD", words...] into one shell command; compare in that form.
 */
function healthTestAsShell(test: readonly string[]): readonly string[] {
  if (test[0] !== "CMD") return test;
  const quote = (w: string) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);
  return ["CMD-SHELL", test.slice(1).map(quote).join(" ")];
}

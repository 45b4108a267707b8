import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EnvironmentUnavailable, HOST_TOOLS } from "./availability.js";
import { must, run } from "./proc.js";

/**
 * The Debian root file system the machine boots. debootstrap takes about a
 * minute, so the result is cached between runs, keyed by everything that
 * shapes it; each run boots an overlay on top of it and the cache stays clean.
 */
const CACHE_DIR = process.env.COMPOSE2UNITS_E2E_CACHE ?? "/var/cache/compose2units-e2e";
/** Bump when the debootstrap command or the one-time preparation below changes. */
const ROOTFS_VERSION = 3;
/**
 * cloud-init: one test provisions the machine with it instead of the harness's own installer.
 * debootstrap follows Depends but not virtual packages: python3-cryptography (under cloud-init,
 * through python3-oauthlib) needs python3-cffi-backend-api-*, which python3-cffi-backend provides.
 */
const PACKAGES = ["systemd", "systemd-sysv", "dbus", "cloud-init", "python3-cffi-backend"];
const COMPLETE_MARK = ".compose2units-e2e-complete";

export interface CachedRootfs {
  readonly path: string;
  /** true when this run had to debootstrap it. */
  readonly built: boolean;
}

export async function cachedRootfs(): Promise<CachedRootfs> {
  const suite = osRelease("VERSION_CODENAME");
  if (!suite) throw new EnvironmentUnavailable("cannot tell the Debian release from /etc/os-release");
  const arch = (await must("dpkg", ["--print-architecture"])).stdout.trim();
  const path = join(CACHE_DIR, `rootfs-${suite}-${arch}-v${ROOTFS_VERSION}`);
  if (existsSync(join(path, COMPLETE_MARK))) return { path, built: false };

  const mirror = aptMirror(suite);
  mkdirSync(CACHE_DIR, { recursive: true });
  // Build aside and rename, so an interrupted run never leaves a half rootfs that looks complete.
  const partial = `${path}.partial`;
  rmSync(partial, { recursive: true, force: true });
  rmSync(path, { recursive: true, force: true });
  const log = join(CACHE_DIR, "debootstrap.log");
  const r = await run(HOST_TOOLS.debootstrap, ["--variant=minbase", `--include=${PACKAGES.join(",")}`, suite, partial, mirror], { timeoutMs: 10 * 60_000 });
  // debootstrap's own log (which package failed, and why) is inside the tree removed below.
  const inner = join(partial, "debootstrap/debootstrap.log");
  writeFileSync(log, r.stdout + r.stderr + (r.status !== 0 && existsSync(inner) ? `\n--- ${inner}:\n${readFileSync(inner, "utf8")}` : ""));
  if (r.status !== 0) {
    rmSync(partial, { recursive: true, force: true });
    throw new EnvironmentUnavailable(`debootstrap ${suite} from ${mirror} failed (log: ${log}):\n${r.stderr.split("\n").slice(-10).join("\n")}`);
  }
  prepare(partial);
  writeFileSync(join(partial, COMPLETE_MARK), `debootstrap --variant=minbase --include=${PACKAGES.join(",")} ${suite} ${mirror}\n`);
  renameSync(partial, path);
  return { path, built: true };
}

/**
 * One-time changes to the cached rootfs: the units of a compose project are
 * what is under test, so boot skips what a container does not need.
 */
function prepare(root: string): void {
  // No getty on a container console, no time sync (the host keeps time).
  for (const unit of ["console-getty.service", "getty@.service", "systemd-timesyncd.service"]) {
    const path = join(root, "etc/systemd/system", unit);
    rmSync(path, { force: true });
    symlinkSync("/dev/null", path);
  }
  // Most tests install stacks with the harness's installer: cloud-init stays out of boot
  // (its generator reads this file) until a test removes the file and seeds it.
  writeFileSync(join(root, CLOUD_INIT_DISABLED), "");
  // A system locale, as a cloud image has: without one, cloud-init's locale module asks for
  // en_US.UTF-8, which Debian's locale-gen does not build unless /etc/locale.gen lists it.
  writeFileSync(join(root, "etc/default/locale"), "LANG=C.UTF-8\n");
  mkdirSync(join(root, "etc/cloud/cloud.cfg.d"), { recursive: true });
  writeFileSync(
    join(root, "etc/cloud/cloud.cfg.d/90-compose2units-e2e.cfg"),
    [
      "# The only datasource is a NoCloud seed in /var/lib/cloud/seed/nocloud/: no metadata service is asked.",
      "datasource_list: [NoCloud]",
      "# The machine shares the host's network namespace: cloud-init must not configure or bring up interfaces.",
      "network:",
      "  config: disabled",
      "",
    ].join("\n"),
  );
}

/** While this file exists, cloud-init's systemd generator leaves cloud-init out of boot. */
export const CLOUD_INIT_DISABLED = "etc/cloud/cloud-init.disabled";

/**
 * The first apt source that carries `suite`'s main component: the mirror
 * the machine already uses (no other network is reachable here).
 */
export function aptMirror(suite: string): string {
  const entries: { types: string[]; uris: string[]; suites: string[]; components: string[] }[] = [];
  const dirs = ["/etc/apt/sources.list.d"];
  const files = [
    "/etc/apt/sources.list",
    ...dirs.flatMap((d) =>
      existsSync(d)
        ? readdirSync(d)
            .sort()
            .map((f) => join(d, f))
        : [],
    ),
  ];
  for (const file of files) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, "utf8");
    if (file.endsWith(".sources")) {
      for (const stanza of text.split(/\n\s*\n/)) {
        const field = (name: string) => (new RegExp(`^${name}:\\s*(.*)$`, "mi").exec(stanza)?.[1] ?? "").trim().split(/\s+/).filter(Boolean);
        entries.push({ types: field("Types"), uris: field("URIs"), suites: field("Suites"), components: field("Components") });
      }
    } else if (file.endsWith(".list")) {
      for (const line of text.split("\n")) {
        const m = /^\s*(deb)\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s+(.*)$/.exec(line);
        if (m) entries.push({ types: [m[1]!], uris: [m[2]!], suites: [m[3]!], components: m[4]!.trim().split(/\s+/) });
      }
    }
  }
  const found = entries.find((e) => e.types.includes("deb") && e.suites.includes(suite) && e.components.includes("main"));
  const uri = found?.uris[0];
  if (!uri) throw new EnvironmentUnavailable(`no apt source for ${suite} main in /etc/apt: debootstrap has no mirror`);
  return uri;
}

function osRelease(key: string): string | undefined {
  const text = existsSync("/etc/os-release") ? readFileSync("/etc/os-release", "utf8") : "";
  return new RegExp(`^${key}="?([^"\\n]*)"?$`, "m").exec(text)?.[1];
}

/** A writable overlay over the cached rootfs: what the machine boots; thrown away at the end. */
export interface RootOverlay {
  readonly root: string;
  unmount(): Promise<void>;
}

export async function overlayRoot(lower: string, dir: string): Promise<RootOverlay> {
  const [upper, work, root] = ["upper", "work", "root"].map((d) => join(dir, d)) as [string, string, string];
  for (const d of [upper, work, root]) mkdirSync(d, { recursive: true });
  await must("mount", ["-t", "overlay", "overlay", "-o", `lowerdir=${lower},upperdir=${upper},workdir=${work}`, root]);
  return {
    root,
    unmount: async () => {
      if ((await run("umount", [root])).status !== 0) await run("umount", ["--lazy", root]);
    },
  };
}

/**
 * What a host with Docker has and a bare Debian lacks: the docker client
 * the units call (Debian's, copied from the host so it matches dockerd) and
 * a docker.service. dockerd itself runs on the host with its socket bound
 * in, so docker.service is a stand-in that succeeds once the engine answers.
 */
export function provisionDockerHost(root: string): void {
  copyFileSync(HOST_TOOLS.docker, join(root, "usr/bin/docker"));
  const unitDir = join(root, "etc/systemd/system");
  writeFileSync(
    join(unitDir, "docker.service"),
    [
      "[Unit]",
      "Description=Docker (stand-in: dockerd runs on the host, its socket is bound in at /run/docker.sock)",
      "",
      "[Service]",
      "Type=oneshot",
      "RemainAfterExit=yes",
      "ExecStart=/usr/bin/docker version --format {{.Server.Version}}",
      "",
      "[Install]",
      "WantedBy=multi-user.target",
      "",
    ].join("\n"),
  );
  mkdirSync(join(unitDir, "multi-user.target.wants"), { recursive: true });
  const link = join(unitDir, "multi-user.target.wants/docker.service");
  rmSync(link, { force: true });
  symlinkSync("/etc/systemd/system/docker.service", link);
}

import { existsSync, openSync, readSync, closeSync, readFileSync } from "node:fs";

/** Host tools the end-to-end harness runs; scripts/setup.mjs installs each from Debian. */
export const HOST_TOOLS = {
  dockerd: "/usr/sbin/dockerd",
  /** Debian's client, the same version as dockerd; it is also copied into the machine for the units. */
  docker: "/usr/bin/docker",
  nspawn: "/usr/bin/systemd-nspawn",
  debootstrap: "/usr/sbin/debootstrap",
  nsenter: "/usr/bin/nsenter",
  busybox: "/bin/busybox",
  dockerCompose: "/usr/bin/docker-compose",
} as const;

/**
 * The machine cannot run the end-to-end tests (no dockerd, no nspawn...).
 * Anything else that goes wrong while setting up is a real failure.
 */
export class EnvironmentUnavailable extends Error {}

/**
 * Why this machine cannot run the end-to-end tests, judged without starting
 * anything: undefined when it looks able to. What only shows when trying
 * (dockerd or nspawn refusing to start) surfaces later as EnvironmentUnavailable.
 */
export function staticBlocker(): string | undefined {
  if (process.platform !== "linux") return `they need Linux, this is ${process.platform}`;
  if (process.getuid?.() !== 0) return "they need root (dockerd, systemd-nspawn, mounts)";
  const missing = Object.values(HOST_TOOLS).filter((p) => p !== HOST_TOOLS.dockerCompose && !existsSync(p));
  if (missing.length > 0) return `missing ${missing.join(", ")} (run npm test as root, or npm run setup, to install them)`;
  if (!isStaticExecutable(HOST_TOOLS.busybox))
    return `${HOST_TOOLS.busybox} is not statically linked (install busybox-static): the test images are built FROM scratch around it`;
  const filesystems = readFileSync("/proc/filesystems", "utf8");
  if (!/\toverlay$/m.test(filesystems)) return "the kernel has no overlay filesystem (dockerd's overlay2 and the machine's root need it)";
  return undefined;
}

/**
 * Outside CI: print why and return the reason, for skipIf/ctx.skip. In CI
 * (CI=true) the machine is set up to run them, so not running is a failure.
 */
export function unavailable(reason: string): string {
  if (process.env.CI === "true") throw new Error(`CI must run the end-to-end tests, but ${reason}`);
  console.warn(`skipping end-to-end tests: ${reason}`);
  return reason;
}

/** An ELF executable without a PT_INTERP program header needs no dynamic loader. */
function isStaticExecutable(path: string): boolean {
  const fd = openSync(path, "r");
  try {
    const header = Buffer.alloc(64);
    readSync(fd, header, 0, 64, 0);
    if (header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2) return false; // ELF, 64-bit
    const phoff = Number(header.readBigUInt64LE(32));
    const phentsize = header.readUInt16LE(54);
    const phnum = header.readUInt16LE(56);
    const table = Buffer.alloc(phentsize * phnum);
    readSync(fd, table, 0, table.length, phoff);
    for (let i = 0; i < phnum; i++) if (table.readUInt32LE(i * phentsize) === 3 /* PT_INTERP */) return false;
    return true;
  } finally {
    closeSync(fd);
  }
}

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDockerd, type DockerEngine } from "./dockerd.js";
import { buildImages } from "./images.js";
import { acquireLock } from "./lock.js";
import { Machine } from "./nspawn.js";
import { isAlive } from "./proc.js";
import { cachedRootfs, overlayRoot, provisionDockerHost, type RootOverlay } from "./rootfs.js";

/**
 * Everything one end-to-end test file runs against: a dockerd on the host,
 * the test images in it, and a booted Debian machine whose systemd drives
 * that dockerd through the bound-in socket. `tearDown` undoes all of it.
 */
export class Environment {
  readonly timings: Record<string, number> = {};
  readonly checked: string[] = [];
  private constructor(
    readonly dir: string,
    readonly engine: DockerEngine,
    readonly overlay: RootOverlay,
    public machine: Machine,
    readonly images: readonly string[],
    private readonly release: () => void,
  ) {}

  /** The machine's file system, as seen from the host. */
  get root(): string {
    return this.overlay.root;
  }

  static async setUp(): Promise<Environment> {
    const release = await acquireLock(10 * 60_000);
    const dir = mkdtempSync(join(tmpdir(), "compose2units-e2e-"));
    const timings: Record<string, number> = {};
    const timed = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
      const start = Date.now();
      try {
        return await f();
      } finally {
        timings[what] = Date.now() - start;
      }
    };
    let engine: DockerEngine | undefined;
    let overlay: RootOverlay | undefined;
    try {
      const rootfs = await timed("rootfs", cachedRootfs);
      if (rootfs.built) timings["rootfs (debootstrap, first run only)"] = timings.rootfs!;
      engine = await timed("dockerd", () => startDockerd(join(dir, "docker")));
      registerEmergencyStop(engine);
      await removeLeftovers(engine);
      const images = await timed("images", () => buildImages(engine!));
      overlay = await overlayRoot(rootfs.path, join(dir, "machine"));
      provisionDockerHost(overlay.root);
      const machineRoot = overlay.root;
      const machine = await timed("boot", () => Machine.boot({ root: machineRoot, name: "compose2units-e2e", dockerSocket: engine!.socket, log: join(dir, "machine.log") }));
      emergency.machinePid = machine.nspawnPid;
      const env = new Environment(dir, engine, overlay, machine, images, release);
      Object.assign(env.timings, timings);
      return env;
    } catch (e) {
      await overlay?.unmount();
      await engine?.stop();
      removeDir(dir);
      release();
      throw e;
    }
  }

  /** Power off (the way a host shuts down: systemd stops every unit) and boot the same machine again. */
  async reboot(): Promise<void> {
    await this.machine.powerOff();
    this.machine = await Machine.boot(this.machine.options);
    emergency.machinePid = this.machine.nspawnPid;
  }

  /** Stops everything this harness started, by PID, and removes what it created. Safe to call after any failure. */
  async tearDown(): Promise<void> {
    try {
      if (this.machine.running) {
        await this.machine.powerOff(30_000).catch(() => this.machine.kill());
      }
      await this.overlay.unmount();
      if (!this.engine.owned) await removeLeftovers(this.engine);
      await this.engine.stop();
      emergency.enginePid = undefined;
      emergency.machinePid = undefined;
      removeDir(this.dir);
    } finally {
      this.release();
    }
  }
}

/** Projects and images of the e2e tests are all named e2e…; anything by those names is a leftover of an earlier run. */
async function removeLeftovers(engine: DockerEngine): Promise<void> {
  const list = async (args: string[]) => (await engine.docker(args)).stdout.split("\n").filter(Boolean);
  const containers = await list(["ps", "-a", "--filter", "name=^e2e", "--format", "{{.Names}}"]);
  if (containers.length > 0) await engine.docker(["rm", "--force", ...containers], { timeoutMs: 60_000 });
  const networks = await list(["network", "ls", "--filter", "name=^e2e", "--format", "{{.Name}}"]);
  if (networks.length > 0) await engine.docker(["network", "rm", ...networks]);
  const volumes = await list(["volume", "ls", "--filter", "name=^e2e", "--format", "{{.Name}}"]);
  if (volumes.length > 0) await engine.docker(["volume", "rm", "--force", ...volumes]);
}

/**
 * Below the data root, dockerd leaves overlay mounts if it had to be
 * killed; unmount them (deepest first) before removing the folder.
 */
function removeDir(dir: string): void {
  const mounts = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((l) => l.split(" ")[4] ?? "")
    .filter((m) => m.startsWith(dir + "/"))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) spawnSync("umount", ["--lazy", m]);
  rmSync(dir, { recursive: true, force: true });
}

/**
 * If the test process exits without running afterAll (an interrupted run),
 * still stop what it started: the machine (SIGKILL) and its own dockerd (SIGTERM).
 */
const emergency: { machinePid?: number; enginePid?: number } = {};
let emergencyRegistered = false;
function registerEmergencyStop(engine: DockerEngine): void {
  if (engine.owned) emergency.enginePid = engine.pid;
  if (emergencyRegistered) return;
  emergencyRegistered = true;
  process.once("exit", () => {
    if (emergency.machinePid !== undefined && isAlive(emergency.machinePid)) process.kill(emergency.machinePid, "SIGKILL");
    if (emergency.enginePid !== undefined && isAlive(emergency.enginePid)) process.kill(emergency.enginePid, "SIGTERM");
  });
}

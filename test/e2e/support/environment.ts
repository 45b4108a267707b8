import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { constants, tmpdir } from "node:os";
import { join } from "node:path";
import { clearEngine, startDockerd, type DockerEngine } from "./dockerd.js";
import { buildImages } from "./images.js";
import { acquireLock } from "./lock.js";
import { Machine } from "./nspawn.js";
import { isAlive, processesNamed, readProcFile } from "./proc.js";
import { cachedRootfs, overlayRoot, provisionDockerHost, type RootOverlay } from "./rootfs.js";

const MACHINE_NAME = "compose2units-e2e";

/**
 * Everything one end-to-end test file runs against: a dockerd on the host,
 * the test images in it, and a booted Debian machine whose systemd drives
 * that dockerd through the bound-in socket. `tearDown` undoes all of it.
 */
export class Environment {
  readonly timings: Record<string, number> = {};
  /** What the tests proved and measured, for the summary printed at the end. */
  readonly checked: string[] = [];
  readonly measured: string[] = [];
  /** Differences from compose that are reported bugs (tests marked `fails`) and still show. */
  readonly knownDifferences: string[] = [];
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
    // With the lock held, a machine of ours still running can only be left over from an interrupted run.
    const leftover = processesNamed("systemd-nspawn").find((pid) => (readProcFile(pid, "cmdline") ?? "").includes(`--machine=${MACHINE_NAME}\0`));
    if (leftover !== undefined) {
      release();
      throw new Error(
        `a machine of an interrupted end-to-end run is still running (systemd-nspawn, pid ${leftover}); stop it (kill ${leftover}) and run again`,
      );
    }
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
      if (rootfs.built) {
        timings["rootfs (debootstrap: first run only)"] = timings.rootfs!;
        delete timings.rootfs;
      }
      engine = await timed("dockerd", () => startDockerd(join(dir, "docker")));
      registerEmergencyStop(engine);
      // What an interrupted run left behind.
      if (engine.owned) await clearEngine(engine.docker);
      await removeLeftovers(engine);
      const images = await timed("images", () => buildImages(engine!));
      overlay = await overlayRoot(rootfs.path, join(dir, "machine"));
      emergency.overlay = overlay.root;
      provisionDockerHost(overlay.root);
      const machineRoot = overlay.root;
      const machine = await timed("boot", () =>
        Machine.boot({ root: machineRoot, name: MACHINE_NAME, dockerSocket: engine!.socket, log: join(dir, "machine.log") }),
      );
      emergency.machinePids = [machine.leaderPid, machine.nspawnPid];
      const env = new Environment(dir, engine, overlay, machine, images, release);
      Object.assign(env.timings, timings);
      return env;
    } catch (e) {
      await overlay?.unmount();
      await engine?.stop();
      clearEmergency();
      unmountBelow(dir);
      rmSync(dir, { recursive: true, force: true });
      release();
      throw e;
    }
  }

  /** Powers the machine off the way a host shuts down: systemd stops every unit first. */
  async powerOff(): Promise<void> {
    await this.machine.powerOff();
    emergency.machinePids = undefined;
  }

  /** Pulls the plug: nothing inside the machine gets to stop. */
  async powerCut(): Promise<void> {
    await this.machine.kill();
    emergency.machinePids = undefined;
  }

  /** Boots the same machine (the same file system) again. */
  async boot(): Promise<void> {
    if (this.machine.running) throw new Error("the machine is still running");
    this.machine = await Machine.boot(this.machine.options);
    emergency.machinePids = [this.machine.leaderPid, this.machine.nspawnPid];
  }

  /**
   * Stops everything this harness started, by PID, and removes what it
   * created; safe to call after any failure. With keepLogs the run folder
   * stays (returned) with the machine's changed files and dockerd's log.
   */
  async tearDown(options: { keepLogs?: boolean } = {}): Promise<string | undefined> {
    try {
      if (this.machine.running) {
        await this.machine.powerOff(30_000).catch(() => this.machine.kill());
      }
      await this.overlay.unmount();
      if (!this.engine.owned) await removeLeftovers(this.engine);
      await this.engine.stop();
      clearEmergency();
      unmountBelow(this.dir);
      if (options.keepLogs) return this.dir;
      rmSync(this.dir, { recursive: true, force: true });
      return undefined;
    } finally {
      this.release();
    }
  }
}

/** The e2e tests name every project, container, network and volume e2e…: anything by such a name is a leftover of an earlier run. */
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
 * A dockerd that had to be killed leaves mounts in its exec root, and a
 * failed unmount leaves the machine's overlay: unmount whatever is below
 * the run folder (deepest first) before it is removed.
 */
function unmountBelow(dir: string): void {
  const mounts = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((l) => l.split(" ")[4] ?? "")
    .filter((m) => m.startsWith(dir + "/"))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) spawnSync("umount", ["--lazy", m]);
}

/**
 * If the test process exits without running afterAll (an interrupted run:
 * Ctrl-C, a killed worker), still stop what it started, by PID: the
 * machine (SIGKILL) and its own dockerd (SIGTERM).
 */
const emergency: { machinePids?: number[]; enginePid?: number; overlay?: string } = {};
let emergencyRegistered = false;
/** Once stopped by tearDown, a PID must not be signalled again: it may belong to someone else by then. */
function clearEmergency(): void {
  emergency.machinePids = undefined;
  emergency.enginePid = undefined;
  emergency.overlay = undefined;
}
function registerEmergencyStop(engine: DockerEngine): void {
  if (engine.owned) emergency.enginePid = engine.pid;
  if (emergencyRegistered) return;
  emergencyRegistered = true;
  const stop = () => {
    for (const pid of emergency.machinePids ?? []) if (isAlive(pid)) process.kill(pid, "SIGKILL");
    if (emergency.enginePid !== undefined && isAlive(emergency.enginePid)) process.kill(emergency.enginePid, "SIGTERM");
    if (emergency.overlay !== undefined) spawnSync("umount", ["--lazy", emergency.overlay]);
  };
  process.once("exit", stop);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      stop();
      process.exit(128 + constants.signals[signal]);
    });
  }
}

import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { EnvironmentUnavailable, HOST_TOOLS } from "./availability.js";
import { childrenOf, GiveUp, isAlive, readProcFile, run, stopProcess, waitFor, type Finished, type RunOptions } from "./proc.js";

export interface BootOptions {
  /** The directory to boot (the overlay over the cached rootfs). */
  readonly root: string;
  readonly name: string;
  /** Host path of dockerd's socket, bound in at /run/docker.sock. */
  readonly dockerSocket: string;
  /** nspawn's own output and the machine's console go here. */
  readonly log: string;
}

/**
 * A real systemd as PID 1 of a systemd-nspawn container: the host a
 * cloud-config would provision. It shares the host's network, so ports
 * published by containers are reached on 127.0.0.1 from inside and out.
 */
export class Machine {
  private constructor(
    readonly options: BootOptions,
    /** PID of systemd-nspawn: what the harness started, and stops. */
    readonly nspawnPid: number,
    /** PID (in the host's namespace) of the machine's systemd. */
    readonly leaderPid: number,
  ) {}

  static async boot(options: BootOptions): Promise<Machine> {
    const logFd = openSync(options.log, "a");
    // --register=no --keep-unit: there is no systemd on the host to register with (facts.md).
    // --console=read-only: the console is copied to the log as it is written. With "passive" nothing
    // reads it, and once its buffer is full (cloud-init writes a lot there) the machine's systemd
    // blocks on its next console line: power-off then hangs.
    const args = [
      "--boot",
      `--directory=${options.root}`,
      "--register=no",
      "--keep-unit",
      `--machine=${options.name}`,
      `--bind=${options.dockerSocket}:/run/docker.sock`,
      "--console=read-only",
    ];
    const child = spawn(HOST_TOOLS.nspawn, args, { stdio: ["ignore", logFd, logFd] });
    closeSync(logFd);
    const pid = child.pid;
    if (pid === undefined) throw new EnvironmentUnavailable(`${HOST_TOOLS.nspawn} could not be started`);
    child.unref();
    let leader: number;
    try {
      leader = await waitFor("the machine's systemd to start", 20_000, () => {
        if (!isAlive(pid)) throw new GiveUp("systemd-nspawn exited at start");
        return childrenOf(pid).find((c) => readProcFile(c, "comm")?.trim() === "systemd");
      });
    } catch (e) {
      await stopProcess(pid, "SIGKILL", 5_000);
      throw new EnvironmentUnavailable(`${(e as Error).message}; its output ends:\n${tail(options.log)}`);
    }
    const machine = new Machine(options, pid, leader);
    try {
      await machine.waitUntilBooted();
    } catch (e) {
      await machine.kill();
      throw e;
    }
    return machine;
  }

  private async waitUntilBooted(): Promise<void> {
    // systemctl cannot connect until systemd has set up its private socket, a moment after it starts.
    await waitFor(
      "the machine's systemd to answer systemctl",
      20_000,
      async () => {
        const r = await this.exec(["systemctl", "is-system-running"], { timeoutMs: 10_000 });
        const state = r.stdout.trim();
        return state !== "" && state !== "offline" && !r.stderr.includes("Failed to connect") ? true : undefined;
      },
      100,
    );
    // "running" or "degraded" both mean boot finished; what failed is listed for the diagnosis.
    const state = await this.exec(["systemctl", "is-system-running", "--wait"], { timeoutMs: 60_000 });
    const status = state.stdout.trim();
    if (status !== "running" && status !== "degraded") {
      throw new Error(`the machine did not finish booting (state ${status || state.stderr.trim()}):\n${tail(this.options.log)}`);
    }
    if (status === "degraded") {
      const failed = await this.exec(["systemctl", "--failed", "--no-legend", "--plain"]);
      console.warn(`end-to-end: the machine booted degraded; failed units:\n${failed.stdout}`);
    }
  }

  get running(): boolean {
    return isAlive(this.nspawnPid) || isAlive(this.leaderPid);
  }

  /** A command inside the machine, in all its namespaces (what `machinectl shell` would do). */
  exec(argv: readonly string[], options: RunOptions = {}): Promise<Finished> {
    return run(HOST_TOOLS.nsenter, ["--target", String(this.leaderPid), "--all", ...argv], options);
  }

  async mustExec(argv: readonly string[], options: RunOptions = {}): Promise<string> {
    const r = await this.exec(argv, options);
    if (r.status !== 0) throw new Error(`in the machine: ${argv.join(" ")} exited ${r.status ?? r.signal}:\n${r.stdout}${r.stderr}`.trimEnd());
    return r.stdout;
  }

  systemctl(...args: string[]): Promise<Finished> {
    return this.exec(["systemctl", ...args], { timeoutMs: 60_000 });
  }

  /** Unit properties as a map (`systemctl show -p A -p B unit`). */
  async show(unit: string, ...properties: string[]): Promise<Record<string, string>> {
    const out = await this.mustExec(["systemctl", "show", ...properties.flatMap((p) => ["-p", p]), unit]);
    return Object.fromEntries(
      out
        .split("\n")
        .filter((l) => l.includes("="))
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
  }

  async journal(unit: string): Promise<string> {
    return (await this.exec(["journalctl", "--no-pager", "--output=short-precise", "-u", unit])).stdout;
  }

  /** A clean power-off: systemd stops every unit, then nspawn exits. */
  async powerOff(timeoutMs = 60_000): Promise<void> {
    if (!this.running) return;
    await this.exec(["systemctl", "poweroff", "--no-block"]);
    await waitFor("the machine to power off", timeoutMs, () => (this.running ? undefined : true));
  }

  /**
   * Pulls the plug: the machine's PID 1 first (the kernel then kills every
   * process in its PID namespace at once), then nspawn. Both must be gone
   * before the next boot, or the old systemd still runs beside the new one.
   */
  async kill(): Promise<void> {
    await stopProcess(this.leaderPid, "SIGKILL", 10_000);
    await stopProcess(this.nspawnPid, "SIGKILL", 10_000);
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-20).join("\n");
  } catch {
    return "(no log)";
  }
}

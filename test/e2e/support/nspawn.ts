import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { EnvironmentUnavailable, HOST_TOOLS } from "./availability.js";
import { childrenOf, isAlive, readProcFile, run, stopProcess, waitFor, type Finished, type RunOptions } from "./proc.js";

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
    const args = ["--boot", `--directory=${options.root}`, "--register=no", "--keep-unit", `--machine=${options.name}`, `--bind=${options.dockerSocket}:/run/docker.sock`, "--console=passive"];
    const child = spawn(HOST_TOOLS.nspawn, args, { stdio: ["ignore", logFd, logFd] });
    closeSync(logFd);
    const pid = child.pid;
    if (pid === undefined) throw new EnvironmentUnavailable(`${HOST_TOOLS.nspawn} could not be started`);
    child.unref();
    let leader: number;
    try {
      leader = await waitFor("the machine's systemd to start", 20_000, () => {
        if (!isAlive(pid)) throw new EnvironmentUnavailable(`systemd-nspawn exited at start:\n${tail(options.log)}`);
        return childrenOf(pid).find((c) => readProcFile(c, "comm")?.trim() === "systemd");
      });
    } catch (e) {
      await stopProcess(pid, "SIGKILL", 5_000);
      if (e instanceof EnvironmentUnavailable) throw e;
      throw new EnvironmentUnavailable(`systemd-nspawn did not boot a systemd within 20 s:\n${tail(options.log)}`);
    }
    const machine = new Machine(options, pid, leader);
    // "running" or "degraded" both mean boot finished; what failed is listed for the diagnosis.
    const state = await machine.exec(["systemctl", "is-system-running", "--wait"], { timeoutMs: 60_000 });
    const status = state.stdout.trim();
    if (status !== "running" && status !== "degraded") {
      await machine.kill();
      throw new Error(`the machine did not finish booting (state ${status || state.stderr.trim()}):\n${tail(options.log)}`);
    }
    if (status === "degraded") {
      const failed = await machine.exec(["systemctl", "--failed", "--no-legend", "--plain"]);
      console.warn(`end-to-end: the machine booted degraded; failed units:\n${failed.stdout}`);
    }
    return machine;
  }

  get running(): boolean {
    return isAlive(this.nspawnPid);
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

  /** Pulls the plug: for teardown after a failure, when a clean power-off may not come. */
  async kill(): Promise<void> {
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

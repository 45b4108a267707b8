import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { EnvironmentUnavailable, HOST_TOOLS } from "./availability.js";
import { childrenOf, GiveUp, isAlive, processesNamed, readProcFile, run, stopProcess, waitFor, type Finished, type RunOptions } from "./proc.js";

/** A Docker engine the tests talk to over its unix socket. */
export interface DockerEngine {
  /** Host path of the engine's socket; the machine gets it bound in at /run/docker.sock. */
  readonly socket: string;
  /** true when this harness started the engine (and so stops it, and may prune its images). */
  readonly owned: boolean;
  /** PID of dockerd. */
  readonly pid: number;
  docker(args: readonly string[], options?: RunOptions): Promise<Finished>;
  /** docker that must succeed; returns trimmed stdout. */
  must(args: readonly string[], options?: RunOptions): Promise<string>;
  stop(): Promise<void>;
}

const DEFAULT_SOCKET = "/var/run/docker.sock";

/**
 * The engine's images, volumes and networks live in a data root of their
 * own, kept between runs: the host's /var/lib/docker is never touched, image
 * builds hit the cache, and the networks of an interrupted run are still
 * known to the next dockerd, which removes them (a fresh data root would
 * leave their bridges on the host until the address pools run out).
 */
const DATA_ROOT = process.env.COMPOSE2UNITS_E2E_DATA_ROOT ?? "/var/lib/compose2units-e2e/docker";

/**
 * Starts Debian's dockerd with its run-time state (exec root, socket,
 * pidfile, log) in `dir`. A dockerd that is already running is used
 * instead: a second one would fight the first over docker0 and iptables.
 */
export async function startDockerd(dir: string): Promise<DockerEngine> {
  const running = processesNamed("dockerd");
  if (running.length > 0) return adopt(running[0]!);

  mkdirSync(dir, { recursive: true });
  const socket = join(dir, "docker.sock");
  const log = join(dir, "dockerd.log");
  const logFd = openSync(log, "a");
  const args = [
    "--storage-driver=overlay2",
    `--data-root=${DATA_ROOT}`,
    `--exec-root=${join(dir, "exec")}`,
    `--pidfile=${join(dir, "dockerd.pid")}`,
    `--host=unix://${socket}`,
  ];
  const child = spawn(HOST_TOOLS.dockerd, args, { stdio: ["ignore", logFd, logFd] });
  closeSync(logFd);
  const pid = child.pid;
  if (pid === undefined) throw new EnvironmentUnavailable(`${HOST_TOOLS.dockerd} could not be started`);
  child.unref();
  const engine = makeEngine(socket, true, pid);
  try {
    await waitFor("dockerd to answer", 30_000, async () => {
      if (!isAlive(pid)) throw new GiveUp("dockerd exited at start");
      return (await engine.docker(["version"], { timeoutMs: 5_000 })).status === 0 ? true : undefined;
    });
  } catch (e) {
    await engine.stop();
    throw new EnvironmentUnavailable(`${(e as Error).message}; its log ends:\n${tail(log)}`);
  }
  // dockerd runs its own containerd; remember it, so a dockerd that has to be killed does not leave it behind.
  const helpers = childrenOf(pid);
  const stopEngine = engine.stop;
  return {
    ...engine,
    stop: async () => {
      await stopEngine();
      for (const h of helpers) await stopProcess(h, "SIGTERM", 5_000);
    },
  };
}

/** A dockerd someone else started: used, never stopped. */
async function adopt(pid: number): Promise<DockerEngine> {
  const argv = (readProcFile(pid, "cmdline") ?? "").split("\0");
  const host = argv.flatMap((a, i) => (a === "-H" || a === "--host" ? [argv[i + 1] ?? ""] : a.startsWith("--host=") ? [a.slice(7)] : []));
  const socket = host.find((h) => h.startsWith("unix://"))?.slice("unix://".length) ?? (host.length === 0 ? DEFAULT_SOCKET : undefined);
  if (!socket || !existsSync(socket)) {
    throw new EnvironmentUnavailable(
      `a dockerd this harness did not start is running (pid ${pid}) without a unix socket it can use; it will not start a second one`,
    );
  }
  const engine = makeEngine(socket, false, pid);
  const version = await engine.docker(["version"], { timeoutMs: 10_000 });
  if (version.status !== 0) throw new EnvironmentUnavailable(`the running dockerd (pid ${pid}) does not answer on ${socket}: ${version.stderr.trim()}`);
  console.warn(`end-to-end: using the dockerd already running (pid ${pid}, ${socket}); it will be left running`);
  return engine;
}

function makeEngine(socket: string, owned: boolean, pid: number): DockerEngine {
  const docker = (args: readonly string[], options: RunOptions = {}) =>
    run(HOST_TOOLS.docker, args, { ...options, env: { ...process.env, ...options.env, DOCKER_HOST: `unix://${socket}` } });
  return {
    socket,
    owned,
    pid,
    docker,
    must: async (args, options = {}) => {
      const r = await docker(args, options);
      if (r.status !== 0) throw new Error(`docker ${args.join(" ")} exited ${r.status ?? r.signal}:\n${r.stdout}${r.stderr}`.trimEnd());
      return r.stdout.trim();
    },
    stop: async () => {
      if (!owned) return;
      await clearEngine(docker);
      await stopProcess(pid, "SIGTERM", 20_000);
    },
  };
}

/**
 * On its own engine everything is the harness's: every container goes
 * (so dockerd stops at once) and every network (so its bridge leaves the
 * host: dockerd keeps bridges up after it exits). Images and volumes stay.
 */
export async function clearEngine(docker: DockerEngine["docker"]): Promise<void> {
  const ids = (await docker(["ps", "-aq"], { timeoutMs: 10_000 })).stdout.split("\n").filter(Boolean);
  if (ids.length > 0) await docker(["rm", "--force", ...ids], { timeoutMs: 60_000 });
  await docker(["network", "prune", "--force"], { timeoutMs: 30_000 });
}

function tail(file: string): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-15).join("\n");
  } catch {
    return "(no log)";
  }
}

import { createServer } from "node:net";
import { compile, formatDiagnostic, type OutputFile } from "../../../src/index.js";
import type { DockerEngine } from "./dockerd.js";
import type { Environment } from "./environment.js";
import { decode, readCloudConfig, runRuncmd, writeFilesInto } from "./install.js";
import type { Machine } from "./nspawn.js";
import { GiveUp, waitFor } from "./proc.js";

export interface CompiledStack {
  readonly project: string;
  readonly files: readonly OutputFile[];
  /** Compose service name → its unit and container. */
  readonly services: ReadonlyMap<string, { unit: string; container: string }>;
  readonly target: string;
}

/**
 * Compiles a compose file through the library, as a host's build would:
 * an explicit project name, a project directory and the variables for ${...}.
 * Any diagnostic of severity error fails the test with compose2units's own message.
 */
export function compileStack(project: string, compose: string, environment: Record<string, string> = {}): CompiledStack {
  const result = compile(
    { path: "compose.yaml", content: compose },
    { projectName: project, projectDirectory: `/srv/${project}`, environment, readFile: () => undefined },
  );
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0 || result.files.length === 0)
    throw new Error(`compose2units rejected the ${project} stack:\n${result.diagnostics.map(formatDiagnostic).join("\n")}`);
  const services = new Map((result.project?.services ?? []).map((s) => [s.name, { unit: `${project}-${s.name}.service`, container: s.containerName }]));
  for (const { unit } of services.values()) {
    if (!result.files.some((f) => f.path === unit)) throw new Error(`compose2units wrote no ${unit}`);
  }
  return { project, files: result.files, services, target: `${project}.target` };
}

/**
 * Provisions the machine from the stack's cloud-config: its write_files at
 * their paths, then its runcmd (daemon-reload, enable, start --no-block).
 * Also checks that the cloud-config installs exactly the generated files.
 */
export async function deploy(env: Environment, stack: CompiledStack): Promise<void> {
  const config = readCloudConfig(stack.files);
  const byPath = (entries: { path: string; permissions: string; content: string }[]) =>
    Object.fromEntries(entries.map((e) => [e.path, `${e.permissions}\n${e.content}`]));
  const generated = byPath(
    stack.files.filter((f) => f.installPath !== undefined).map((f) => ({ path: f.installPath!, permissions: f.permissions, content: f.content })),
  );
  // Compared as installed: a stack over the user-data limit carries large files gzip+base64-encoded.
  const written = byPath(config.writeFiles.map((f) => ({ path: f.path, permissions: f.permissions ?? "0644", content: decode(f).toString("utf8") })));
  if (JSON.stringify(generated, Object.keys(generated).sort()) !== JSON.stringify(written, Object.keys(written).sort())) {
    throw new Error(
      `the cloud-config's write_files differ from the generated files: ${Object.keys(generated).sort().join(", ")} vs ${Object.keys(written).sort().join(", ")}`,
    );
  }
  writeFilesInto(env.root, config);
  await runRuncmd(env.machine, config);
}

/** Waits until every listed service's unit is active and its container running. */
export async function waitForServices(
  machine: Machine,
  engine: DockerEngine,
  stack: CompiledStack,
  names: readonly string[],
  timeoutMs = 60_000,
): Promise<void> {
  await waitFor(`${names.join(", ")} of ${stack.project} to run`, timeoutMs, async () => {
    for (const name of names) {
      const s = stack.services.get(name)!;
      const state = await machine.show(s.unit, "ActiveState", "SubState");
      // "failed/failed" is final; a unit about to be restarted is "activating/auto-restart".
      if (state.ActiveState === "failed" && state.SubState === "failed") {
        throw new GiveUp(`${s.unit} failed:\n${(await machine.journal(s.unit)).split("\n").slice(-15).join("\n")}`);
      }
      if (state.ActiveState !== "active") throw new Error(`${s.unit} is ${state.ActiveState}/${state.SubState}`);
      if ((await containerState(engine, s.container)) !== "running") throw new Error(`${s.container} is not running`);
    }
    return true;
  });
}

/** "running", "exited", ... or undefined when there is no such container. */
export async function containerState(engine: DockerEngine, container: string): Promise<string | undefined> {
  const r = await engine.docker(["container", "inspect", "--format", "{{.State.Status}}", container]);
  return r.status === 0 ? r.stdout.trim() : undefined;
}

export async function inspect(engine: DockerEngine, container: string): Promise<any> {
  return JSON.parse(await engine.must(["container", "inspect", container]))[0];
}

/** A TCP port nothing listens on now, for a stack to publish on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** GET over loopback with a timeout; undefined when nothing answers (yet). */
export async function httpGet(url: string, timeoutMs = 5_000): Promise<{ status: number; body: string } | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return { status: res.status, body: await res.text() };
  } catch {
    return undefined;
  }
}

export interface DockerEvent {
  readonly time: bigint;
  readonly action: string;
  readonly container: string;
  readonly exitCode?: string;
}

/** The engine's container events since `since` (unix seconds), oldest first. */
export async function events(engine: DockerEngine, since: number): Promise<DockerEvent[]> {
  // --until now: the log so far, at once (an --until in the future would wait for it).
  const until = (Date.now() / 1000).toFixed(3);
  const out = await engine.must(["events", "--since", String(since), "--until", until, "--filter", "type=container", "--format", "{{json .}}"], {
    timeoutMs: 20_000,
  });
  return out
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .map((e) => ({
      time: BigInt(e.timeNano),
      action: e.Action ?? e.status,
      container: e.Actor?.Attributes?.name ?? "",
      exitCode: e.Actor?.Attributes?.exitCode,
    }));
}

/** The first event of `action` for `container`; an error listing the log when there is none. */
export function first(list: readonly DockerEvent[], container: string, action: string): DockerEvent {
  const found = list.find((e) => e.container === container && e.action === action);
  if (!found) throw new Error(`no "${action}" event for ${container} in:\n${list.map((e) => `${e.container} ${e.action}`).join("\n")}`);
  return found;
}

import { afterAll, beforeAll, describe, it, type TestContext } from "vitest";
import { EnvironmentUnavailable, staticBlocker, unavailable } from "./availability.js";
import { Environment } from "./environment.js";

export interface E2ESuite {
  /** The environment once set up; undefined when this machine cannot run the tests. */
  readonly env: Environment | undefined;
  /** A test that is skipped, with the reason printed, when there is no environment. */
  it(name: string, fn: (env: Environment, ctx: TestContext) => Promise<void>, timeoutMs: number, options?: { fails?: boolean }): void;
}

/**
 * An end-to-end test file: one Environment (dockerd, images, a booted
 * machine) set up before its tests and torn down after them, even when a
 * test fails; a summary of what was checked is printed at the end. Where the
 * machine cannot run dockerd or systemd-nspawn the tests are skipped with the
 * reason, except in CI (CI=true), where that is a failure.
 */
export function describeE2E(title: string, body: (suite: E2ESuite) => void): void {
  const blocker = staticBlocker();
  if (blocker) unavailable(blocker);
  let env: Environment | undefined;
  let skipReason = blocker;
  let anyFailed = false;

  const suite: E2ESuite = {
    get env() {
      return env;
    },
    it(name, fn, timeoutMs, options = {}) {
      // `fails`: a known bug, reported; the test passes while the bug is there and fails once it is fixed.
      (options.fails ? it.fails : it)(
        name,
        async (ctx) => {
          if (!env) return ctx.skip(skipReason ?? "the end-to-end environment is not set up");
          if (!options.fails) ctx.onTestFailed(() => void (anyFailed = true));
          const start = Date.now();
          if (options.fails) {
            try {
              await fn(env, ctx);
            } catch (e) {
              env.knownDifferences.push(name);
              throw e;
            }
            return;
          }
          await fn(env, ctx);
          env.checked.push(`${name} (${((Date.now() - start) / 1000).toFixed(1)} s)`);
        },
        timeoutMs,
      );
    },
  };

  describe.skipIf(blocker)(title, () => {
    beforeAll(async () => {
      try {
        env = await Environment.setUp();
      } catch (e) {
        if (!(e instanceof EnvironmentUnavailable)) throw e;
        skipReason = unavailable(e.message);
      }
    }, 15 * 60_000);

    afterAll(async () => {
      if (!env) return;
      const done = env;
      env = undefined;
      const start = Date.now();
      // After a failure the machine's journal and the engine's log are kept for the diagnosis.
      const kept = await done.tearDown({ keepLogs: anyFailed });
      const timings = { ...done.timings, teardown: Date.now() - start };
      console.log(
        [
          `end-to-end summary: ${title}`,
          `  setup: ${Object.entries(timings)
            .map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)} s`)
            .join(", ")}`,
          `  engine: ${done.engine.owned ? "dockerd started by the tests" : `dockerd already running (pid ${done.engine.pid})`}; images: ${done.images.join(", ")}`,
          ...done.checked.map((c) => `  checked: ${c}`),
          ...done.measured.map((m) => `  measured: ${m}`),
          ...done.knownDifferences.map((k) => `  reported, still there: ${k}`),
          ...(kept ? [`  logs kept in ${kept} (journalctl -D ${kept}/machine/upper/var/log/journal; ${kept}/docker/dockerd.log)`] : []),
        ].join("\n"),
      );
    }, 3 * 60_000);

    body(suite);
  });
}

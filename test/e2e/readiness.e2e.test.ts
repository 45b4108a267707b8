import { readFileSync } from "node:fs";
import { beforeAll, describe, expect } from "vitest";
import { waitFor } from "./support/proc.js";
import { compileStack, containerState, deploy, events, first, waitForServices, type CompiledStack } from "./support/stack.js";
import { describeE2E } from "./support/suite.js";

/**
 * Issue #5, check 4: ordering and readiness under a real systemd. Start
 * times come from the engine's event log (nanoseconds, one clock for all).
 */

const STACKS = new URL("./stacks/", import.meta.url).pathname;

describeE2E("compose2units end to end: readiness (depends_on conditions)", (suite) => {
  let ready: CompiledStack;
  let since: number;
  const container = (service: string) => ready.services.get(service)!.container;
  const unit = (service: string) => ready.services.get(service)!.unit;

  beforeAll(async () => {
    const env = suite.env;
    if (!env) return;
    ready = compileStack("e2eready", readFileSync(`${STACKS}readiness.yaml`, "utf8"));
    await env.engine.must(["tag", "e2e/hold:1", "127.0.0.1:9/e2e/hold:1"]);
    since = Math.floor(Date.now() / 1000) - 1;
    await deploy(env, ready);
    await waitForServices(env.machine, env.engine, ready, ["db", "web"], 90_000);
    await waitFor("every start job of e2eready to finish", 60_000, async () => {
      const jobs = await env.machine.mustExec(["systemctl", "list-jobs", "--no-legend", "--plain"]);
      return jobs.includes("e2eready") ? undefined : true;
    });
  }, 180_000);

  describe("4. ordering and readiness", () => {
    suite.it(
      "service_healthy: the dependent's container is created and started only after the dependency is healthy",
      async ({ engine, measured }) => {
        const log = await events(engine, since);
        const healthy = first(log, container("db"), "health_status: healthy");
        const dbStart = first(log, container("db"), "start");
        const webCreate = first(log, container("web"), "create");
        const webStart = first(log, container("web"), "start");
        expect(webCreate.time).toBeGreaterThan(healthy.time);
        expect(webStart.time).toBeGreaterThan(healthy.time);
        // db takes about 3 s to get healthy: a web started merely after db's start would show up here.
        expect(Number(healthy.time - dbStart.time) / 1e9).toBeGreaterThan(2.5);
        measured.push(
          `db healthy ${(Number(healthy.time - dbStart.time) / 1e9).toFixed(1)} s after its start; web started ${(Number(webStart.time - healthy.time) / 1e9).toFixed(1)} s after that`,
        );
      },
      30_000,
    );

    suite.it(
      "service_completed_successfully: the one-shot runs to completion first",
      async ({ engine, machine }) => {
        const log = await events(engine, since);
        const migrateDie = first(log, container("migrate"), "die");
        expect(migrateDie.exitCode).toBe("0");
        expect(first(log, container("web"), "create").time).toBeGreaterThan(migrateDie.time);
        expect(await machine.show(unit("migrate"), "ActiveState", "Result")).toEqual({ ActiveState: "active", Result: "success" });
        expect(await machine.journal(unit("migrate"))).toContain("migrated");
      },
      30_000,
    );

    suite.it(
      "a dependency that never gets healthy blocks the dependent instead of starting it",
      async ({ engine, machine }) => {
        await waitFor("waits-for-sick to give up", 60_000, async () =>
          (await machine.show(unit("waits-for-sick"), "ActiveState")).ActiveState === "failed" ? true : undefined,
        );
        expect(await machine.journal(unit("waits-for-sick"))).toContain(`${container("sick")} is unhealthy`);
        const log = await events(engine, since);
        expect(log.filter((e) => e.container === container("waits-for-sick"))).toEqual([]);
        expect(await containerState(engine, container("waits-for-sick"))).toBeUndefined();
      },
      90_000,
    );

    suite.it(
      "service_started: a dependency that has finished lets its dependent start; one that cannot start does not",
      async ({ engine, machine }) => {
        // Restarted once both have settled, so that the check meets a finished unit and a failed one, not a starting one.
        await waitFor("finished and cannot-start to settle", 30_000, async () => {
          const [f, c] = [await machine.show(unit("finished"), "ActiveState", "Result"), await machine.show(unit("cannot-start"), "ActiveState")];
          return f.ActiveState === "inactive" && f.Result === "success" && c.ActiveState === "failed" ? true : undefined;
        });
        const restarted = await machine.exec(["systemctl", "restart", unit("after-finished")]);
        expect(restarted.status, restarted.stderr).toBe(0);
        await waitFor("after-finished to run", 30_000, async () =>
          (await containerState(engine, container("after-finished"))) === "running" ? true : undefined,
        );
        expect((await machine.show(unit("after-finished"), "ActiveState")).ActiveState).toBe("active");

        // Its restart pulls in a start of cannot-start (Wants=), which fails again: the check refuses.
        const refused = await machine.exec(["systemctl", "restart", unit("after-cannot-start")]);
        expect(refused.status).not.toBe(0);
        expect(await machine.journal(unit("after-cannot-start"))).toContain(`${unit("cannot-start")} failed: not starting without it`);
        expect(await containerState(engine, container("after-cannot-start"))).toBeUndefined();
      },
      90_000,
    );

    suite.it(
      "a stop by stop_signal is a clean stop: the unit is inactive, not failed",
      async ({ engine, machine }) => {
        await waitFor("interrupted to run", 30_000, async () => ((await containerState(engine, container("interrupted"))) === "running" ? true : undefined));
        const stopped = await machine.exec(["systemctl", "stop", unit("interrupted")]);
        expect(stopped.status, stopped.stderr).toBe(0);
        expect(await machine.show(unit("interrupted"), "ActiveState", "Result", "ExecMainStatus")).toEqual({
          ActiveState: "inactive",
          Result: "success",
          ExecMainStatus: "130",
        });
      },
      60_000,
    );

    suite.it(
      "pull_policy: always with the registry out of reach starts the image already on the host, saying so",
      async ({ engine, machine }) => {
        await waitFor("pulls-always to run", 60_000, async () => ((await containerState(engine, container("pulls-always"))) === "running" ? true : undefined));
        expect((await machine.show(unit("pulls-always"), "ActiveState")).ActiveState).toBe("active");
        expect(await machine.journal(unit("pulls-always"))).toContain("could not pull 127.0.0.1:9/e2e/hold:1: starting the image already on this host");
      },
      90_000,
    );

    suite.it(
      "required: false with service_healthy: a dependency that never gets healthy delays the dependent, which then starts",
      async ({ engine, machine }) => {
        await waitFor("optional-wait to run", 60_000, async () =>
          (await containerState(engine, container("optional-wait"))) === "running" ? true : undefined,
        );
        expect((await machine.show(unit("optional-wait"), "ActiveState")).ActiveState).toBe("active");
        expect(await machine.journal(unit("optional-wait"))).toMatch(new RegExp(`${container("never-healthy")} (is unhealthy|did not become healthy)`));
      },
      90_000,
    );

    suite.it(
      "a one-shot that fails blocks the dependent instead of starting it",
      async ({ engine, machine }) => {
        expect(await machine.show(unit("failing-job"), "ActiveState", "Result")).toEqual({ ActiveState: "failed", Result: "exit-code" });
        // Not started: its ExecStart= never ran and no container of it was ever created.
        const dependent = await machine.show(unit("waits-for-job"), "ActiveState", "ExecMainStartTimestampMonotonic");
        expect(dependent.ActiveState).not.toBe("active");
        expect(dependent.ExecMainStartTimestampMonotonic).toBe("0");
        const log = await events(engine, since);
        expect(log.filter((e) => e.container === container("waits-for-job"))).toEqual([]);
      },
      30_000,
    );
  });
});

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect } from "vitest";
import {
  cloudInitResult,
  cloudInitStatus,
  compileWithCli,
  runCloudInitStages,
  seededWriteFiles,
  seedNoCloud,
  statInMachine,
  type CliOutput,
  type SeededFile,
} from "./support/cloud-init.js";
import type { Environment } from "./support/environment.js";
import { waitFor } from "./support/proc.js";
import { compileStack, freePort, httpGet, waitForServices, type CompiledStack } from "./support/stack.js";
import { describeE2E } from "./support/suite.js";

/**
 * The NoCloud seed the CLI writes (--nocloud), given to the real cloud-init
 * in the machine instead of the harness's own installer: cloud-init's
 * write_files installs the files, its runcmd enables and starts the stack,
 * and nothing else is done by hand. Once with the stages run one after the
 * other as systemd would, once with cloud-init run by systemd itself at
 * boot, on a document that fits its size limit only gzip-compressed.
 * A file of its own: it turns cloud-init on in its machine (which then also
 * takes the seed's hostname), which the other files' machines must not see;
 * the harness's lock still runs one machine and one dockerd at a time.
 */

const STACKS = new URL("./stacks/", import.meta.url).pathname;
const SERVICES = ["cache", "app", "proxy", "sidecar"];

interface Provisioned {
  readonly cli: CliOutput;
  readonly stack: CompiledStack;
  readonly writeFiles: readonly SeededFile[];
  readonly port: number;
}

/**
 * Compiles the web stack through the CLI with a seed, and through the
 * library with the same inputs for the names of its units and containers
 * and for where each generated file is installed.
 */
async function provision(e: Environment, project: string, args: readonly string[] = []): Promise<Provisioned> {
  const port = await freePort();
  const compose = readFileSync(`${STACKS}web.yaml`, "utf8");
  const variables = { WEB_PORT: String(port) };
  const cli = await compileWithCli(join(e.dir, project), compose, variables, ["-p", project, ...args]);
  const stack = compileStack(project, compose, variables);
  return { cli, stack, writeFiles: seededWriteFiles(cli.seed), port };
}

/** Every write_files entry is in the machine, as declared, holding what the CLI wrote into its output folder. */
async function expectInstalled(e: Environment, p: Provisioned): Promise<void> {
  const outputPath = new Map(p.stack.files.filter((f) => f.installPath !== undefined).map((f) => [f.installPath!, f.path]));
  expect(p.writeFiles.map((f) => f.path).sort()).toEqual([...outputPath.keys()].sort());
  for (const f of p.writeFiles) {
    expect({ path: f.path, ...(await statInMachine(e.machine, f.path)) }).toEqual({ path: f.path, permissions: f.permissions, owner: f.owner });
    const installed = readFileSync(join(e.root, f.path));
    const written = readFileSync(join(p.cli.out, outputPath.get(f.path)!));
    expect(installed.equals(written), `${f.path} differs from ${outputPath.get(f.path)} in the output folder`).toBe(true);
  }
}

/** Enabled by runcmd, loaded by systemd, started: every container runs and the proxy answers. */
async function expectRunning(e: Environment, p: Provisioned): Promise<void> {
  const enabled = await e.machine.exec(["systemctl", "is-enabled", p.stack.target]);
  expect(enabled.stdout.trim()).toBe("enabled");
  for (const f of p.stack.files.filter((x) => /\.(service|target|timer)$/.test(x.path))) {
    expect({ unit: f.path, ...(await e.machine.show(f.path, "LoadState")) }).toEqual({ unit: f.path, LoadState: "loaded" });
  }
  for (const name of SERVICES) {
    const unit = p.stack.services.get(name)!.unit;
    expect({ unit, ...(await e.machine.show(unit, "UnitFileState")) }).toEqual({ unit, UnitFileState: "enabled" });
  }
  await waitForServices(e.machine, e.engine, p.stack, SERVICES, 90_000);
  const answer = await waitFor("an answer through the proxy", 30_000, async () => {
    const r = await httpGet(`http://127.0.0.1:${p.port}/cgi-bin/hit`);
    return r?.status === 200 ? r : undefined;
  });
  expect(answer.body).toMatch(/^app=identidock\nhits=\d+\n/);
}

/** cloud-init found the seed, ran every stage and module without an error, and says so. */
async function expectCloudInitClean(e: Environment): Promise<void> {
  const result = await cloudInitResult(e.machine);
  expect(result.datasource).toMatch(/^DataSourceNoCloud \[seed=\/var\/lib\/cloud\/seed\/nocloud\]/);
  expect(result.errors).toEqual([]);
  const status = await cloudInitStatus(e.machine);
  expect({ status: status.status, bootStatusCode: status.bootStatusCode, errors: status.errors }, status.output).toEqual({
    status: "done",
    bootStatusCode: "enabled-by-generator",
    errors: [],
  });
  expect(status.exitCode, status.output).toBe(0);
  // cloud-init checks the user-data against its schema and only warns when it does not conform.
  const warnings = (await e.machine.mustExec(["cat", "/var/log/cloud-init.log"])).split("\n").filter((l) => /\[WARNING\]/.test(l));
  expect(warnings.filter((l) => /cloud-config|schema|user-data|write_files|runcmd/i.test(l))).toEqual([]);
}

/**
 * Takes a project down and off: disabled, every service container gone (they
 * run with --rm); what stays is each service's holder of its image's
 * volumes, never started.
 */
async function stopProject(e: Environment, p: Provisioned): Promise<void> {
  const units = [...p.stack.services.values()].map((s) => s.unit);
  await e.machine.systemctl("disable", "--now", p.stack.target, ...units);
  await waitFor(`the containers of ${p.stack.project} to go`, 60_000, async () => {
    const left = await containersLeft(e, p);
    return left.every((c) => c.endsWith("-image-volumes created")) ? true : undefined;
  });
}

/** The project's containers, as "name state". */
async function containersLeft(e: Environment, p: Provisioned): Promise<string[]> {
  const list = await e.engine.must(["ps", "-a", "--filter", `name=^${p.stack.project}-`, "--format", "{{.Names}} {{.State}}"]);
  return list.split("\n").filter(Boolean).sort();
}

describeE2E("compose2units end to end: real cloud-init provisions the machine from the NoCloud seed", (suite) => {
  describe("the stages run one after the other: init --local, init, modules --mode=config, --mode=final", () => {
    let plain: Provisioned | undefined;

    beforeAll(async () => {
      const env = suite.env;
      if (!env) return;
      plain = await provision(env, "e2ecloud");
      seedNoCloud(env.root, plain.cli.seed);
      // The generator runs again and, finding the seed, enables cloud-init (what a boot with the seed would do).
      await env.machine.mustExec(["systemctl", "daemon-reload"]);
      for (const took of await runCloudInitStages(env.machine)) env.measured.push(`cloud-init ${took}`);
    }, 300_000);

    afterAll(async () => {
      if (suite.env && plain) await stopProject(suite.env, plain);
    }, 120_000);

    suite.it(
      "cloud-init takes the seed and reports no error",
      async (e) => {
        await expectCloudInitClean(e);
      },
      60_000,
    );

    suite.it(
      "write_files installed every generated file with its declared mode and owner, byte for byte",
      async (e) => {
        await expectInstalled(e, plain!);
      },
      60_000,
    );

    suite.it(
      "runcmd enabled the target and the units, and started the stack on the host's dockerd",
      async (e) => {
        await expectRunning(e, plain!);
      },
      150_000,
    );

    suite.it(
      "a value with a line separator reaches the container as written and adds nothing to what cloud-init runs",
      async (e) => {
        const sidecar = plain!.stack.services.get("sidecar")!.container;
        const env = JSON.parse(await e.engine.must(["inspect", "--format", "{{json .Config.Env}}", sidecar])) as string[];
        expect(env).toContain("NOTE=as written\u2028bootcmd: [[sh, -c, 'touch /run/compose2units-injected']]");
        const labels = JSON.parse(await e.engine.must(["inspect", "--format", "{{json .Config.Labels}}", sidecar])) as Record<string, string>;
        expect(labels.note).toBe("as written\u2029runcmd: [[sh, -c, 'touch /run/compose2units-injected']]");
        const injected = await e.machine.exec(["test", "-e", "/run/compose2units-injected"]);
        expect(injected.status).not.toBe(0);
      },
      60_000,
    );
  });

  describe("cloud-init run by systemd at boot, on a gzip+base64 document (--max-user-data)", () => {
    let packed: Provisioned | undefined;
    /** Once the power-off check has begun, the stack is the power-off's to stop (or, if it hangs, the teardown's). */
    let poweringOff = false;

    beforeAll(async () => {
      const env = suite.env;
      if (!env) return;
      packed = await provision(env, "e2ecloudgz", ["--max-user-data", "12000"]);
      await env.machine.mustExec(["cloud-init", "clean", "--logs"]);
      seedNoCloud(env.root, packed.cli.seed);
      await env.powerOff();
      const start = Date.now();
      await env.boot();
      env.measured.push(`boot with cloud-init and the compressed seed: ${((Date.now() - start) / 1000).toFixed(1)} s until systemd reported the boot finished`);
    }, 300_000);

    afterAll(async () => {
      if (suite.env && packed && !poweringOff) await stopProject(suite.env, packed);
    }, 120_000);

    suite.it(
      "the CLI compressed the files and warned with the sizes",
      async () => {
        expect(packed!.cli.stderr).toMatch(/warning user-data-size: .*\b12000-byte user-data limit.*gzip-compressed/);
        expect(packed!.writeFiles.filter((f) => f.encoding === "gzip+base64").length).toBeGreaterThan(0);
        expect(readFileSync(join(packed!.cli.seed, "user-data")).length).toBeLessThanOrEqual(12_000);
      },
      10_000,
    );

    suite.it(
      "cloud-init ran its stages in boot and reports no error",
      async (e) => {
        await expectCloudInitClean(e);
        const final = await e.machine.show("cloud-final.service", "ActiveState", "Result");
        expect(final).toEqual({ ActiveState: "active", Result: "success" });
      },
      60_000,
    );

    suite.it(
      "write_files decoded every compressed file to the bytes the CLI wrote, with its mode and owner",
      async (e) => {
        await expectInstalled(e, packed!);
      },
      60_000,
    );

    suite.it(
      "runcmd, run late in boot, enabled and started the stack without blocking the boot",
      async (e) => {
        await expectRunning(e, packed!);
      },
      150_000,
    );

    // cloud-init writes much to the console; a machine whose console nobody reads hangs in power-off.
    suite.it(
      "after a boot with cloud-init the machine powers off cleanly, stopping the stack",
      async (e) => {
        poweringOff = true;
        await e.powerOff(); // fails after its own 60 s limit
        // Every service container is gone; what stays is each service's holder of its image's volumes, never started.
        const holders = [...packed!.stack.services.values()].map((s) => `${s.container}-image-volumes created`);
        expect(await containersLeft(e, packed!)).toEqual(holders.sort());
      },
      90_000,
    );
  });
});

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { compileFixture, fixtureSettings, listFixtures } from "./support/fixtures.js";
import { TOOLS, cloudInitSchema, shellcheck, toolMissing, verifyUnits, writeFiles } from "./support/real-tools.js";
import { REAL } from "./support/real-tag.js";
import { expandEnvironment, programArgv } from "./support/systemd-exec.js";

const COREOS_SCHEMA = new URL("../schemas/coreos-cloud-config.schema.json", import.meta.url).pathname;

function coreosErrors(doc: unknown): unknown[] {
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(COREOS_SCHEMA, "utf8")));
  return validate(doc) ? [] : (validate.errors ?? []);
}

describe("the coreos: schema", () => {
  it("rejects what coreos-cloudinit would not understand", () => {
    expect(coreosErrors({ coreos: { units: [{ name: "a.service", command: "enable" }] } })).not.toEqual([]);
    expect(coreosErrors({ coreos: { units: [{ content: "[Unit]" }] } })).not.toEqual([]);
    expect(coreosErrors({ coreos: { units: [{ name: "a.service", contents: "x" }] } })).not.toEqual([]);
    expect(coreosErrors({ coreos: { units: [{ name: "a.service", enable: true, command: "start", content: "[Unit]\n" }] } })).toEqual([]);
  });
});

/** A coreos: section for the coreos flavor and none otherwise: every fixture checks one side or the other. */
describe.each(listFixtures())("fixture $name's cloud-config", (fixture) => {
  it("has a coreos: section, with only the fields coreos-cloudinit reads, exactly when its flavor is coreos", () => {
    const doc = parse(compileFixture(fixture).files.find((f) => f.path === "cloud-config.yaml")!.content) as Record<string, unknown>;
    const coreos = fixtureSettings(fixture).cloudConfigFlavor === "coreos";
    expect("coreos" in doc).toBe(coreos);
    if (coreos) expect(coreosErrors(doc)).toEqual([]);
  });
});

it("has a fixture of the coreos flavor, so the coreos: section is checked at all", () => {
  expect(listFixtures().filter((f) => fixtureSettings(f).cloudConfigFlavor === "coreos")).not.toEqual([]);
});

/** Every fixture's output, judged by the tools that will consume it on a host. */
describe.each(listFixtures())("fixture $name, checked by real tools", { tags: [REAL] }, (fixture) => {
  const result = compileFixture(fixture);
  const dir = writeFiles(result.files);
  const units = result.files.map((f) => f.path).filter((p) => /\.(service|target|timer)$/.test(p));
  // verify fails when an ExecStart= binary is missing: the engine the units run must be installed.
  const engine = fixtureSettings(fixture).engine === "podman" ? TOOLS.podman : TOOLS.docker;

  it.skipIf(toolMissing(TOOLS.systemdAnalyze, engine))("passes systemd-analyze verify with nothing on stderr", () => {
    expect(units.length).toBeGreaterThan(0);
    const r = verifyUnits(dir, units);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it.skipIf(toolMissing(TOOLS.cloudInit))("passes cloud-init schema", () => {
    const r = cloudInitSchema(join(dir, "cloud-config.yaml"));
    expect(r.stdout + r.stderr).toMatch(/Valid cloud-config/);
    expect(r.status).toBe(0);
  });

  it.skipIf(toolMissing(TOOLS.shellcheck))("has units whose `sh -c` scripts (readiness, image, resources) shellcheck accepts", () => {
    // Each script as the shell receives it: systemd's unquoting and `$$` → `$` undone, one file per distinct script.
    const scripts = new Set<string>();
    for (const f of result.files.filter((f) => units.includes(f.path))) {
      for (const line of f.content.split("\n")) {
        const m = /^Exec[A-Za-z]*=(.*)$/.exec(line);
        if (!m) continue;
        for (const argv of programArgv(m[1]!.replace(/^[-@:+!]+/, ""))) {
          const [exe, flag, script] = expandEnvironment(argv);
          if (exe === "/bin/sh" && flag === "-c" && script !== undefined) scripts.add(script);
        }
      }
    }
    expect(scripts.size).toBeGreaterThan(0);
    const problems = [...scripts].flatMap((script, i) => {
      const file = join(dir, `unit-script-${i}.sh`);
      writeFileSync(file, `#!/bin/sh\n${script}\n`);
      const r = shellcheck(file);
      return r.status === 0 ? [] : [`${script}\n${r.stdout}${r.stderr}`];
    });
    expect(problems).toEqual([]);
  });

  it.skipIf(toolMissing(TOOLS.shellcheck))("has scripts (image cleanup, image volumes) shellcheck accepts", () => {
    const scripts = result.files.filter((f) => f.path.endsWith(".sh"));
    expect(scripts.map((f) => f.path.replace(/^[^-]+-/, ""))).toEqual(["hold-image-volumes.sh", "image-cleanup.sh"]);
    for (const script of scripts) {
      const r = shellcheck(join(dir, script.path));
      expect(r.stdout + r.stderr, script.path).toBe("");
      expect(r.status).toBe(0);
    }
  });
});

// @module-tag real
import { describe, expect, it } from "vitest";
import { compileFixture, fixtureSettings, listFixtures } from "./support/fixtures.js";
import { EngineHelp } from "./support/engine-help.js";
import { TOOLS, toolMissing } from "./support/real-tools.js";

/**
 * The units compiled for docker, judged by the docker client the supported
 * hosts have (Debian 12's docker.io, 20.10): every flag they pass appears
 * in the `--help` of the subcommand they pass it to. A flag only a newer
 * docker knows would make the unit fail at its first start.
 */
const DOCKER = TOOLS.docker;
const help = new EngineHelp(DOCKER);

describe.skipIf(toolMissing(DOCKER))("docker's own --help, against the docker units", () => {
  const fixtures = listFixtures().filter((f) => fixtureSettings(f).engine !== "podman");

  it("is Debian's docker 20.10, the client the supported hosts run", () => {
    expect(help.options(["create"]).has("--pull")).toBe(true);
    // Added in docker 24: compose2units refuses annotations for this reason.
    expect(help.options(["create"]).has("--annotation")).toBe(false);
  });

  it.each(fixtures)(
    "fixture $name passes docker only options docker lists",
    (fixture) => {
      const units = compileFixture(fixture).files.filter((f) => /\.(service|target|timer)$/.test(f.path));
      const { checked, unknown } = help.checkUnits(units.map((u) => u.content));
      expect(unknown).toEqual([]);
      // A parser that found nothing would pass vacuously.
      expect(checked.size).toBeGreaterThan(3);
    },
    60_000,
  );

  it("checks most of docker create's flags across the fixtures", () => {
    const { checked } = help.checkUnits(
      fixtures.flatMap((fixture) =>
        compileFixture(fixture)
          .files.filter((f) => f.path.endsWith(".service"))
          .map((u) => u.content),
      ),
    );
    expect(checked.size).toBeGreaterThan(60);
    for (const expected of [
      "create --env-file",
      "create --blkio-weight",
      "network connect --alias",
      "network create --subnet",
      "volume create --opt",
      "(global) --config",
      "start --attach",
      "stop --time",
      "exec --user",
      "exec --privileged",
      "exec --workdir",
      "exec --env-file",
    ]) {
      expect([...checked]).toContain(expected);
    }
  }, 60_000);
});

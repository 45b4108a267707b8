// @module-tag real
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile } from "../src/index.js";
import { PODMAN_ENGINE } from "../src/emit/engine.js";
import { PODMAN_FLAGS } from "../src/emit/flags/podman.js";
import { compileFixture, fixtureSettings, listFixtures } from "./support/fixtures.js";
import { EngineHelp } from "./support/engine-help.js";
import { TOOLS, run, toolMissing } from "./support/real-tools.js";
import { programArgv } from "./support/systemd-exec.js";

/**
 * The units compiled with `--engine podman`, judged by the real podman
 * (Debian 12's 4.3): every flag they pass appears in the `--help` of the
 * subcommand they pass it to, and the flags compose2units refuses for
 * podman are indeed missing there.
 */
const PODMAN = TOOLS.podman;
const skip = toolMissing(PODMAN);

const help = new EngineHelp(PODMAN);
const options = (subcommand: readonly string[]) => help.options(subcommand);

describe.skipIf(skip)("podman's own --help, against the podman units", () => {
  const fixtures = listFixtures().filter((f) => fixtureSettings(f).engine === "podman");

  it("has podman fixtures to check", () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });

  it.each(fixtures)(
    "fixture $name passes podman only options podman lists",
    (fixture) => {
      const units = compileFixture(fixture).files.filter((f) => /\.(service|target|timer)$/.test(f.path));
      const { checked, unknown } = help.checkUnits(units.map((u) => u.content));
      expect(unknown).toEqual([]);
      // A parser that found nothing would pass vacuously: the fixture uses most of podman create's flags.
      expect(checked.size).toBeGreaterThan(50);
      for (const expected of [
        "create --env-file",
        "network connect --alias",
        "network create --subnet",
        "volume create --opt",
        "pull --authfile",
        "start --attach",
        "(global) --runtime",
        "exec --user",
        "exec --privileged",
        "exec --workdir",
        "exec --env-file",
      ]) {
        expect([...checked]).toContain(expected);
      }
    },
    60_000,
  );

  /** Values podman takes, for the flags whose support depends on the value. */
  const GOOD_VALUES: Record<string, string> = {
    "--log-driver": "journald",
    "--log-opt": "max-size=10m",
    "--driver": "bridge",
    "--opt": "mtu=1400",
    "--ipam-driver": "host-local",
  };

  it.each(Object.entries(PODMAN_FLAGS))(
    "the flag table's %s: kept flags are listed, refused ones are not",
    (command, table) => {
      const subcommand = command.split(" ");
      for (const [flag, rule] of Object.entries(table)) {
        const spelled = rule.spell(flag, rule.takesValue ? (GOOD_VALUES[flag] ?? "x") : undefined);
        if ("unsupported" in spelled) {
          expect(options(subcommand).has(flag), `${command} ${flag} is refused but podman lists it`).toBe(false);
          continue;
        }
        for (const word of spelled.local.filter((w) => w.startsWith("--")))
          expect(options(subcommand).has(word.split("=")[0]!), `${command} ${word}`).toBe(true);
        for (const word of spelled.global.filter((w) => w.startsWith("--"))) expect(options([]).has(word), `podman ${word}`).toBe(true);
      }
    },
    60_000,
  );
});

/**
 * A service unit's steps run by hand on the real podman (no systemd here):
 * remove, make the image present, create the missing bind source, create,
 * start attached. Needs root and busybox-static to build an image offline.
 */
const BUSYBOX = "/bin/busybox";
const runSkip = skip ?? (process.getuid?.() !== 0 ? "needs root" : !existsSync("/var/lib/dpkg/info/busybox-static.list") ? "needs busybox-static" : undefined);

describe.skipIf(runSkip)("a podman unit's steps, run on the real podman", () => {
  const image = "localhost/compose2units-test/busybox:1";
  const containers = ["podrun-hello-1", "podrun-hello-1-image-volumes", "podrun-probe-1", "podrun-plain-1"];
  let work = "";
  let env: NodeJS.ProcessEnv = {};
  const podman = (args: string[]) => run(PODMAN, args, { env });
  const removeContainers = () => {
    for (const name of containers) podman(["rm", "--force", "--time", "0", name]);
  };

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "c2u-podman-"));
    // The default ulimits podman asks for as root can exceed a container sandbox's own hard limits.
    const conf = join(work, "containers.conf");
    writeFileSync(conf, '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]\n');
    env = { ...process.env, CONTAINERS_CONF: conf };
    // Leftovers of an interrupted run would make the creates below fail.
    removeContainers();
    const rootfs = join(work, "rootfs");
    const made = run("/bin/sh", [
      "-c",
      `mkdir -p "$1/bin" && cp ${BUSYBOX} "$1/bin/busybox" && for a in sh echo hostname true sleep cat; do ln -s busybox "$1/bin/$a"; done && tar -C "$1" -cf "$2" .`,
      "sh",
      rootfs,
      join(work, "rootfs.tar"),
    ]);
    expect(made.stderr).toBe("");
    // VOLUME /vol: a volume the image declares, which must outlive the container each start replaces.
    const imported = podman(["import", "--quiet", "--change", "VOLUME /vol", join(work, "rootfs.tar"), image]);
    expect(imported.stderr).toBe("");
  }, 60_000);

  afterAll(() => {
    removeContainers();
    podman(["rmi", "--force", image]);
    rmSync(work, { recursive: true, force: true });
  }, 60_000);

  it("creates the container with every flag as written and runs it attached, keeping the image's volumes from one start to the next", () => {
    const yaml = `services:
  hello:
    image: ${image}
    network_mode: none
    hostname: box
    read_only: true
    volumes: ["./data/sub:/data"]
    labels: {note: "50% off; \\"quoted\\""}
    command: ["sh", "-c", "echo \\"hello from $$(hostname)\\"; cat /proc/mounts | grep -c ' /tmp ' || true; echo data=$$(cat /data/x 2>/dev/null || echo none); if [ -f /vol/mark ]; then echo vol=kept; else echo x > /vol/mark && echo vol=new; fi"]
`;
    const result = compile({ path: "compose.yaml", content: yaml }, { projectName: "podrun", projectDirectory: work, environment: {}, engine: "podman" });
    const unit = result.files.find((f) => f.path === "podrun-hello.service")!.content;
    const steps = unit.split("\n").filter((l) => /^Exec(StartPre|Start)=/.test(l));
    // The project's scripts the steps run are installed on a host by the cloud-config; here they run from the work folder.
    const installed = new Map<string, string>();
    for (const f of result.files.filter((f) => f.path.endsWith(".sh"))) {
      const copy = join(work, f.path);
      writeFileSync(copy, f.content);
      installed.set(f.installPath!, copy);
    }
    const start = () => {
      let output = "";
      for (const step of steps) {
        const value = step.slice(step.indexOf("=") + 1);
        const argv = programArgv(value.replace(/^-/, ""))[0]!.map((word) => installed.get(word) ?? word);
        const r = run(argv[0]!, argv.slice(1), { env });
        if (!value.startsWith("-")) expect(r.stderr, step).toBe("");
        if (!value.startsWith("-")) expect(r.status, step).toBe(0);
        if (step.startsWith("ExecStart=")) output = r.stdout;
      }
      return output;
    };
    // The bind source was made by the unit (podman would have refused it), and --read-only mounted no tmpfs on /tmp.
    expect(start()).toBe("hello from box\n0\ndata=none\nvol=new\n");
    expect(existsSync(join(work, "data", "sub"))).toBe(true);
    // The next start removes the container and creates a new one: /vol is the same volume.
    expect(start()).toBe("hello from box\n0\ndata=none\nvol=kept\n");
  }, 60_000);

  it("reports health through the inspect format the units use", () => {
    const format = PODMAN_ENGINE.healthFormat;
    const status = (name: string) => podman(["container", "inspect", "--format", format, name]).stdout.trim();
    expect(podman(["create", "--name", "podrun-probe-1", "--network", "none", "--health-cmd", "true", image, "sleep", "30"]).status).toBe(0);
    expect(podman(["create", "--name", "podrun-plain-1", "--network", "none", "--no-healthcheck", image, "sleep", "30"]).status).toBe(0);
    expect(status("podrun-probe-1")).toBe("starting");
    expect(status("podrun-plain-1")).toBe("none");
    expect(podman(["start", "podrun-probe-1"]).status).toBe(0);
    // No systemd runs podman's healthcheck timers here: run the check the way a timer would.
    podman(["healthcheck", "run", "podrun-probe-1"]);
    expect(status("podrun-probe-1")).toBe("healthy");
  }, 60_000);
});

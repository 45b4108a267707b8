/**
 * Whole generated units, read back by the real systemd: a compose file full
 * of values systemd would otherwise act on (`%`, `$`, quotes, backslashes,
 * `;`, spaces, Unicode, empty words, leading `-`) is compiled through the
 * library, every generated unit is loaded with `systemd --test` (the runner
 * in support/systemd-test-mode.ts), and the argv of every Exec*= command is
 * compared with what the emitter meant: the docker argv written out below
 * by hand, and the shell scripts as they are written in src/emit.
 *
 * What systemd shows is argv after unquoting, unescaping and `%` specifiers,
 * before the exec-time `$` expansion, so `$$` is still `$$`; the model's
 * expandEnvironment (checked against systemd by exec-quote.systemd.test.ts)
 * supplies that last step. It is given an environment that defines every
 * name the compose file mentions, so a `$` that was not escaped would show.
 *
 * Skipped only when systemd is not installed and CI is not "true"; in CI a
 * missing systemd fails.
 */
import { afterAll, describe, expect, it } from "vitest";
import { compile } from "../src/index.js";
import { expandEnvironment, parseExecValue } from "./support/systemd-exec.js";
import { UnitFolder, skipWithoutSystemd, type DumpedUnit } from "./support/systemd-test-mode.js";
import { REAL } from "./support/real-tag.js";

const skip = skipWithoutSystemd("systemd readback of generated units");

/*
 * Compose writes a literal `$` as `$$`; `$$\{` below is `$${` (a template
 * literal cannot hold `${`, so `\{` stands for `{` and is replaced before
 * compiling). Everything else is YAML exactly as written.
 */
const COMPOSE = String.raw`
name: quoting
services:
  web:
    image: registry.example.com/web:1.0
    container_name: quoting-web
    entrypoint: ["/usr/local/bin/entry", "--percent=100%", "%n", "-leading"]
    command:
      - "%"
      - "%%"
      - "%i%n"
      - "$$HOME"
      - "$$\{NOT_A_VAR}"
      - "$$"
      - "$$$$"
      - "a$$b"
      - 'say "hi"'
      - "it's"
      - '"'
      - "'"
      - 'C:\path\'
      - '\'
      - '\n'
      - '\;'
      - "two words"
      - " lead"
      - "trail "
      - ";"
      - "a;b"
      - "end;"
      - "é"
      - "日本"
      - "😀"
      - "nbsp\u00A0word"
      - ""
      - "-x"
      - "--"
      - "-"
    labels:
      com.example.percent: "100% of %n"
      com.example.dollar: "$$HOME and $$\{NOT_A_VAR}"
      com.example.quotes: "\"double\" and 'single'"
      com.example.backslash: 'trailing\'
      com.example.semi: "a; b ;"
      com.example.unicode: "café 日本 🚀"
      com.example.empty: ""
    healthcheck:
      test: ["CMD-SHELL", "wget -q -O- \"http://localhost:8080/$$\{HEALTH_PATH:-ok}?t=100%\" | grep -q 'it''s up' || exit 1"]
      interval: 5s
      timeout: 2s
      retries: 2
    networks: [front, back]
  worker:
    image: registry.example.com/worker:2
    x-compose2units:
      image_archive: "/opt/images/100% $$x/worker.tar"
    working_dir: "/srv/100% $$dir"
    command: sh -c 'echo "$$1" 100% \;' worker "arg with space" \"quoted\"
    environment:
      GREETING: "hello $$USER"
    depends_on:
      web:
        condition: service_healthy
      migrate:
        condition: service_completed_successfully
    volumes:
      - "data:/var/lib/data"
    healthcheck:
      test: ["CMD", "/bin/check", "--url=http://localhost/$$\{P}", "it's", "%s"]
  migrate:
    image: registry.example.com/migrate:3
    pull_policy: never
    entrypoint: ""
    command: ["/migrate", "--dry-run=false", "%i", "$$1"]
networks:
  front: {}
  back: {}
volumes:
  data: {}
`.replaceAll("$\\{", () => "${");

const BUNDLE = { url: "https://example.com/bundle%20v1.tgz?sig=a$b&x=%n", sha256: "a".repeat(64), directory: "/opt/bundle dir/100%" };

const D = "/usr/bin/docker";
/** A leading "-" on the executable marks a command whose failure is ignored (the unit's `-` prefix). */
const IGNORED_D = "-/usr/bin/docker";

// The scripts as src/emit writes them (readiness.ts, image-steps.ts, resource-units.ts, provision-unit.ts).
/** What every container gets when its compose file sets no logging: docker's own copy of its output, rotated. */
const BOUNDED_LOG = ["--log-driver", "json-file", "--log-opt", "max-size=10m", "--log-opt", "max-file=3"];
const DEPENDENCY_NOT_FAILED = 'if /bin/systemctl is-failed --quiet -- "$1"; then echo "$1 failed: not starting without it" >&2; exit 1; fi';
const WAIT_UNTIL_RUNNING = `until s=$(/usr/bin/docker container inspect --format '{{.State.Status}}' -- "$1" 2>/dev/null) && [ "$s" != created ]; do kill -0 "$MAINPID" 2>/dev/null || exit 0; sleep 0.2; done`;
const WAIT_UNTIL_HEALTHY = [
  `end=$(( $(date +%s) + $2 ))`,
  `while :; do s=$(/usr/bin/docker container inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' -- "$1" 2>/dev/null) || s=missing`,
  `case $s in healthy) exit 0 ;; unhealthy) echo "$1 is unhealthy" >&2; exit 1 ;; none) echo "$1 has no healthcheck, so it can never be healthy" >&2; exit 1 ;; esac`,
  `[ "$(date +%s)" -lt "$end" ] || { echo "$1 did not become healthy within $2 seconds (last status: $s)" >&2; exit 1; }`,
  `sleep 1; done`,
].join("; ");
const PULL_IF_MISSING = `/usr/bin/docker image inspect -- "$1" >/dev/null 2>&1 || exec /usr/bin/docker --config /etc/compose2units/quoting/docker pull -- "$1"`;
const REQUIRE_IMAGE = `/usr/bin/docker image inspect -- "$1" >/dev/null 2>&1 || { echo "image $1 is not on this host and pull_policy is never" >&2; exit 1; }`;
/** The image-volume step: the project's script (image-volumes.ts), given the holder and the image. */
const hold = (container: string, image: string) => ["/bin/sh", "/usr/local/sbin/quoting-hold-image-volumes", `${container}-image-volumes`, image];
const ensure = (kind: string) =>
  `name=$1; shift; /usr/bin/docker ${kind} inspect -- "$name" >/dev/null 2>&1 || exec /usr/bin/docker ${kind} create "$@" -- "$name"`;
const PROVISION = [
  "set -eu",
  "tmp=$(mktemp)",
  `trap 'rm -f "$tmp"' EXIT`,
  `curl --fail --silent --show-error --location --retry 5 --output "$tmp" "$1"`,
  `echo "$3  $tmp" | sha256sum --check --status || { echo "bundle $1 does not match SHA-256 $3" >&2; exit 1; }`,
  `mkdir -p "$2"`,
  `tar -xzf "$tmp" -C "$2"`,
].join("; ");

/** The exact argv docker must receive from each service's `docker create`. */
const CREATE: Record<string, string[]> = {
  web: [
    D,
    "create",
    "--rm",
    "--name",
    "quoting-web",
    "--pull",
    "never",
    "--label",
    "com.example.percent=100% of %n",
    "--label",
    "com.example.dollar=$HOME and ${NOT_A_VAR}",
    "--label",
    `com.example.quotes="double" and 'single'`,
    "--label",
    "com.example.backslash=trailing\\",
    "--label",
    "com.example.semi=a; b ;",
    "--label",
    "com.example.unicode=café 日本 🚀",
    "--label",
    "com.example.empty=",
    "--network",
    "quoting_back",
    "--network-alias",
    "web",
    "--volumes-from",
    "quoting-web-image-volumes",
    "--health-cmd",
    `wget -q -O- "http://localhost:8080/\${HEALTH_PATH:-ok}?t=100%" | grep -q 'it''s up' || exit 1`,
    "--health-interval",
    "5s",
    "--health-timeout",
    "2s",
    "--health-retries",
    "2",
    "--stop-timeout",
    "10",
    ...BOUNDED_LOG,
    "--entrypoint",
    "/usr/local/bin/entry",
    "--",
    "registry.example.com/web:1.0",
    "--percent=100%",
    "%n",
    "-leading",
    "%",
    "%%",
    "%i%n",
    "$HOME",
    "${NOT_A_VAR}",
    "$",
    "$$",
    "a$b",
    'say "hi"',
    "it's",
    '"',
    "'",
    "C:\\path\\",
    "\\",
    "\\n",
    "\\;",
    "two words",
    " lead",
    "trail ",
    ";",
    "a;b",
    "end;",
    "é",
    "日本",
    "😀",
    "nbsp\u00a0word",
    "",
    "-x",
    "--",
    "-",
  ],
  worker: [
    D,
    "create",
    "--rm",
    "--name",
    "quoting-worker-1",
    "--pull",
    "never",
    "--env-file",
    "/etc/compose2units/quoting/worker.env",
    "--workdir",
    "/srv/100% $dir",
    "--network",
    "quoting_default",
    "--network-alias",
    "worker",
    "--volume",
    "quoting_data:/var/lib/data",
    "--volumes-from",
    "quoting-worker-1-image-volumes",
    "--health-cmd",
    "/bin/check '--url=http://localhost/${P}' 'it'\\''s' %s",
    "--stop-timeout",
    "10",
    ...BOUNDED_LOG,
    "--",
    "registry.example.com/worker:2",
    "sh",
    "-c",
    'echo "$1" 100% \\;',
    "worker",
    "arg with space",
    '"quoted"',
  ],
  migrate: [
    D,
    "create",
    "--rm",
    "--name",
    "quoting-migrate-1",
    "--pull",
    "never",
    "--network",
    "quoting_default",
    "--network-alias",
    "migrate",
    "--volumes-from",
    "quoting-migrate-1-image-volumes",
    "--stop-timeout",
    "10",
    ...BOUNDED_LOG,
    "--entrypoint",
    "",
    "--",
    "registry.example.com/migrate:3",
    "/migrate",
    "--dry-run=false",
    "%i",
    "$1",
  ],
};

type ExecMap = Record<string, string[][]>;

/** Every Exec*= command of every generated unit, in order: what each program must receive. */
const EXPECTED: Record<string, ExecMap> = {
  "quoting-web.service": {
    ExecStartPre: [
      [IGNORED_D, "rm", "--force", "--", "quoting-web"],
      ["/bin/sh", "-c", PULL_IF_MISSING, "pull-if-missing", "registry.example.com/web:1.0"],
      hold("quoting-web", "registry.example.com/web:1.0"),
      CREATE.web!,
      [D, "network", "connect", "--alias", "web", "--", "quoting_front", "quoting-web"],
    ],
    ExecStart: [[D, "start", "--attach", "--", "quoting-web"]],
    ExecStartPost: [["/bin/sh", "-c", WAIT_UNTIL_RUNNING, "wait-until-running", "quoting-web"]],
    ExecStop: [[IGNORED_D, "stop", "--time", "10", "--", "quoting-web"]],
  },
  "quoting-worker.service": {
    ExecStartPre: [
      [IGNORED_D, "rm", "--force", "--", "quoting-worker-1"],
      // Wants= + After= + this check: a failed dependency blocks the start (a finished one does not), its restarts do not propagate.
      ["/bin/sh", "-c", DEPENDENCY_NOT_FAILED, "dependency-not-failed", "quoting-web.service"],
      ["/bin/sh", "-c", WAIT_UNTIL_HEALTHY, "wait-until-healthy", "quoting-web", "21"],
      ["/bin/sh", "-c", DEPENDENCY_NOT_FAILED, "dependency-not-failed", "quoting-migrate.service"],
      [D, "load", "--input", "/opt/images/100% $x/worker.tar"],
      ["-/bin/sh", "/usr/local/sbin/quoting-image-cleanup"],
      hold("quoting-worker-1", "registry.example.com/worker:2"),
      CREATE.worker!,
    ],
    ExecStart: [[D, "start", "--attach", "--", "quoting-worker-1"]],
    ExecStartPost: [["/bin/sh", "-c", WAIT_UNTIL_RUNNING, "wait-until-running", "quoting-worker-1"]],
    ExecStop: [[IGNORED_D, "stop", "--time", "10", "--", "quoting-worker-1"]],
  },
  // A job (worker waits for it to complete): oneshot, so no ExecStartPost.
  "quoting-migrate.service": {
    ExecStartPre: [
      [IGNORED_D, "rm", "--force", "--", "quoting-migrate-1"],
      ["/bin/sh", "-c", REQUIRE_IMAGE, "require-image", "registry.example.com/migrate:3"],
      hold("quoting-migrate-1", "registry.example.com/migrate:3"),
      CREATE.migrate!,
    ],
    ExecStart: [[D, "start", "--attach", "--", "quoting-migrate-1"]],
    ExecStop: [[IGNORED_D, "stop", "--time", "10", "--", "quoting-migrate-1"]],
  },
  "quoting-network-back.service": { ExecStart: [["/bin/sh", "-c", ensure("network"), "ensure-network", "quoting_back"]] },
  "quoting-network-default.service": { ExecStart: [["/bin/sh", "-c", ensure("network"), "ensure-network", "quoting_default"]] },
  "quoting-network-front.service": { ExecStart: [["/bin/sh", "-c", ensure("network"), "ensure-network", "quoting_front"]] },
  "quoting-volume-data.service": { ExecStart: [["/bin/sh", "-c", ensure("volume"), "ensure-volume", "quoting_data"]] },
  "quoting-provision.service": {
    ExecStart: [["/bin/sh", "-c", PROVISION, "provision", "https://example.com/bundle%20v1.tgz?sig=a$b&x=%n", "/opt/bundle dir/100%", "a".repeat(64)]],
  },
  "quoting-image-cleanup.service": { ExecStart: [["/bin/sh", "/usr/local/sbin/quoting-image-cleanup"]] },
  "quoting.target": {},
};

/**
 * At exec time systemd replaces `${NAME}` anywhere and `$NAME` as a whole
 * word; every name the compose file or the scripts mention is set here, so
 * a `$` that reached systemd unescaped would change the word.
 */
const HOSTILE_ENV = new Map(
  ["HOME", "NOT_A_VAR", "HEALTH_PATH", "P", "x", "dir", "USER", "MAINPID", "1", "2", "3", "s", "end", "name", "tmp", "@"].map((n) => [n, `HOSTILE-${n}`]),
);

/** `-` prefix marked on argv[0] → the argv the program gets, and whether the prefix is there. */
function intended(argv: readonly string[]): { argv: string[]; ignoreFailure: boolean } {
  const [exe, ...rest] = argv;
  const ignoreFailure = exe!.startsWith("-");
  return { argv: [ignoreFailure ? exe!.slice(1) : exe!, ...rest], ignoreFailure };
}

/** argv as systemd must hold it before exec: every `$` after the executable still doubled. */
function stored(argv: readonly string[]): string[] {
  return argv.map((w, i) => (i === 0 ? w : w.replaceAll("$", () => "$$")));
}

/** The Exec*= lines of a unit file's text, per key, in order. */
function execLines(content: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const line of content.split("\n")) {
    const m = /^(Exec[A-Za-z]+)=(.*)$/.exec(line);
    if (m) (out[m[1]!] ??= []).push(m[2]!);
  }
  return out;
}

const hex = (words: readonly string[]) => words.map((w) => Buffer.from(w, "utf8").toString("hex"));

const result = compile({ path: "compose.yaml", content: COMPOSE }, { registryAuth: '{"auths":{}}', bundle: BUNDLE });
const units = result.files.filter((f) => /\.(service|target)$/.test(f.path));

const folders: UnitFolder[] = [];
afterAll(() => {
  for (const f of folders) f.remove();
});

/** One `systemd --test --unit=UNIT` run. */
interface UnitRun {
  /** UNIT as dumped by the run that started it; undefined when the run failed. */
  readonly dump: DumpedUnit | undefined;
  /** Why the run failed (systemd's stderr is in the message). */
  readonly error: unknown;
  /** docker.service, when the run loaded it. */
  readonly docker: DumpedUnit | undefined;
  /** stderr lines that mention our folder or any of our units. */
  readonly complaints: readonly string[];
}

interface Loaded {
  readonly folder: UnitFolder;
  readonly runs: ReadonlyMap<string, UnitRun>;
}

let loaded: Loaded | undefined;
/**
 * Writes the units with a docker.service stand-in and runs `systemd --test`
 * once for each (once per test file). A unit systemd cannot load fails every
 * run whose start job needs it, and only those.
 */
function load(): Loaded {
  if (loaded) return loaded;
  const folder = new UnitFolder("c2u-generated-units-");
  folders.push(folder);
  for (const u of units) {
    expect(u.path, "unit files are written flat").not.toContain("/");
    folder.write(u.path, u.content);
  }
  // Every service unit Requires=docker.service, and a required unit that cannot be found fails
  // the start job (systemd --test then exits 1 without a dump), so it gets a stand-in here,
  // which also keeps the host's own docker.service, if any, out of the test.
  folder.write(
    "docker.service",
    ["[Unit]", "Description=stand-in for Docker (compose2units generated-units test)", "", "[Service]", "ExecStart=/bin/true", ""].join("\n"),
  );
  const ours = [folder.dir, "docker.service", ...units.map((u) => u.path)];
  const runs = new Map<string, UnitRun>();
  for (const u of units) {
    try {
      const run = folder.run(u.path);
      runs.set(u.path, {
        dump: run.unit(u.path),
        error: undefined,
        docker: run.has("docker.service") ? run.unit("docker.service") : undefined,
        complaints: run.stderr.split("\n").filter((l) => ours.some((n) => l.includes(n))),
      });
    } catch (error) {
      runs.set(u.path, { dump: undefined, error, docker: undefined, complaints: [] });
    }
  }
  loaded = { folder, runs };
  return loaded;
}

/** The unit as systemd loaded it; throws why not. */
function dumpOf(unit: string): DumpedUnit {
  const run = load().runs.get(unit);
  expect(run, `${unit} was not generated`).toBeDefined();
  if (run!.error !== undefined) throw run!.error;
  return run!.dump!;
}

// Loading runs systemd --test once per unit (a few seconds on a busy 2-core machine): not a speed check.
describe("generated units, read back by systemd", { timeout: 60_000 }, () => {
  it("compiles the compose file without diagnostics, into exactly the units expected here", () => {
    expect(result.diagnostics).toEqual([]);
    expect(units.map((u) => u.path).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.skipIf(skip)("loads every unit from its file, with nothing on stderr about any of them", { tags: [REAL] }, () => {
    const { folder, runs } = load();
    const failed = [...runs].flatMap(([unit, r]) =>
      r.error === undefined ? [] : [`${unit}: ${r.error instanceof Error ? r.error.message : String(r.error)}`],
    );
    expect(failed).toEqual([]);
    expect([...runs.values()].flatMap((r) => r.complaints)).toEqual([]);
    for (const u of units) {
      const d = dumpOf(u.path);
      expect(d.loadState, u.path).toBe("loaded");
      expect(d.fragmentPath, u.path).toBe(`${folder.dir}/${u.path}`);
    }
    const docker = [...runs.values()].flatMap((r) => (r.docker ? [r.docker] : []));
    expect(docker.length).toBeGreaterThanOrEqual(Object.keys(CREATE).length);
    for (const d of docker) {
      expect(d.loadState).toBe("loaded");
      expect(d.fragmentPath).toBe(`${folder.dir}/docker.service`);
    }
  });

  it.skipIf(skip).each(Object.keys(CREATE))("hands docker create of service %s exactly the expected argv, byte for byte", { tags: [REAL] }, (service) => {
    const unit = `quoting-${service}.service`;
    const pre = dumpOf(unit).exec.ExecStartPre ?? [];
    const creates = pre.filter((argv) => argv[0] === D && argv[1] === "create");
    expect(creates, `${unit}: one docker create`).toHaveLength(1);
    const got = creates[0]!;
    const want = CREATE[service]!;
    // systemd holds it with `$` still doubled ...
    expect(got).toEqual(stored(want));
    // ... and its exec-time expansion leaves exactly the words docker must see.
    expect(expandEnvironment(got, HOSTILE_ENV)).toEqual(want);
    expect(hex(expandEnvironment(got, HOSTILE_ENV))).toEqual(hex(want));
  });

  it.skipIf(skip).each(Object.keys(EXPECTED))("runs every Exec command of %s with the intended argv", { tags: [REAL] }, (unit) => {
    const dump = dumpOf(unit);
    const file = units.find((u) => u.path === unit)!;
    const lines = execLines(file.content);
    const expected = EXPECTED[unit]!;
    expect(Object.keys(dump.exec)).toEqual(Object.keys(expected));
    expect(Object.keys(lines)).toEqual(Object.keys(expected));
    for (const [key, commands] of Object.entries(expected)) {
      const got = dump.exec[key]!;
      expect(got, `${unit} ${key}: number of commands`).toHaveLength(commands.length);
      for (const [i, marked] of commands.entries()) {
        const want = intended(marked);
        const context = `${unit} ${key}[${i}]: ${key}=${lines[key]![i]}`;
        expect(got[i], context).toEqual(stored(want.argv));
        expect(expandEnvironment(got[i]!, HOSTILE_ENV), context).toEqual(want.argv);
        // The model reads the same line the same way, and sees the `-` prefix exactly where meant.
        const model = parseExecValue(lines[key]![i]!);
        expect(
          model.commands.map((c) => c.argv),
          context,
        ).toEqual([got[i]]);
        expect(model.commands[0]!.prefixes, context).toBe(want.ignoreFailure ? "-" : "");
        expect(model.unknownEscapeWarnings, context).toEqual([]);
      }
    }
  });

  it.skipIf(skip)("delivers the shell scripts with `$` and `%` as the shell must see them", { tags: [REAL] }, () => {
    const scripts = units
      .map((u) => dumpOf(u.path))
      .flatMap((d) =>
        Object.values(d.exec).flatMap((commands) =>
          commands.filter((argv) => argv[0] === "/bin/sh" && argv[1] === "-c").map((argv) => expandEnvironment(argv, HOSTILE_ENV)),
        ),
      );
    // wait-until-running x2, wait-until-healthy, dependency-not-failed x2, pull-if-missing, require-image, 3 networks, 1 volume, provision.
    expect(scripts).toHaveLength(12);
    for (const argv of scripts) {
      expect(argv[2]).not.toMatch(/\$\$|%%|HOSTILE/);
      expect(argv.slice(3).join(" ")).not.toMatch(/HOSTILE/);
    }
    const healthy = scripts.find((argv) => argv[3] === "wait-until-healthy")!;
    expect(healthy[2]).toContain("end=$(( $(date +%s) + $2 ))");
    expect(healthy[2]).toContain(`[ "$(date +%s)" -lt "$end" ]`);
    expect(healthy[2]).toContain(`inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' -- "$1"`);
    const running = scripts.find((argv) => argv[3] === "wait-until-running")!;
    expect(running[2]).toContain(`kill -0 "$MAINPID"`);
    const provision = scripts.find((argv) => argv[3] === "provision")!;
    expect(provision.slice(4)).toEqual([BUNDLE.url, BUNDLE.directory, BUNDLE.sha256]);
    expect(provision[2]).toContain(`echo "$3  $tmp" | sha256sum --check --status`);
  });
});

/**
 * Names and values that reach the host as file, folder and unit names or as
 * unit lines: what cannot be one is refused at its place in the compose
 * file, and what can is written so that systemd reads it back as meant
 * (checked with the real systemd-analyze and systemd where installed).
 */
import { describe, expect, it } from "vitest";
import { compile, formatDiagnostic, type CompileResult } from "../src/index.js";
import { DiagnosticBag } from "../src/diagnostics.js";
import { CommandLine } from "../src/emit/systemd/command-line.js";
import { MAX_UNIT_LINE_BYTES } from "../src/emit/systemd/exec-quote.js";
import { renderUnit } from "../src/emit/systemd/unit-file.js";
import { TOOLS, toolMissing, verifyUnits, writeFiles } from "./support/real-tools.js";
import { UnitFolder, skipWithoutSystemd } from "./support/systemd-test-mode.js";
import { REAL } from "./support/real-tag.js";

function compiled(yaml: string, options: Parameters<typeof compile>[1] = {}): CompileResult {
  return compile({ path: "compose.yml", content: yaml }, { projectName: "t", environment: {}, ...options });
}

/** Bad input: every error at file:line:col, and no files. */
function errorsOf(yaml: string, options: Parameters<typeof compile>[1] = {}): string[] {
  const result = compiled(yaml, options);
  expect(result.files).toEqual([]);
  return result.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic);
}

function fileOf(result: CompileResult, path: string): string {
  const file = result.files.find((f) => f.path === path);
  expect(file, `${path} among ${result.files.map((f) => f.path).join(", ")} (${result.diagnostics.map(formatDiagnostic).join("; ")})`).toBeDefined();
  return file!.content;
}

const verifySkip = toolMissing(TOOLS.systemdAnalyze, TOOLS.docker);

/** systemd-analyze verify on every unit compiled: it only warns on stderr about values it ignores, so stderr must be empty. */
function expectSystemdLoads(result: CompileResult): void {
  const units = result.files.map((f) => f.path).filter((p) => /\.(service|target|timer)$/.test(p));
  const r = verifyUnits(writeFiles(result.files), units);
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
}

describe("names that become files, folders and units", () => {
  it("refuses a service, secret, network or volume named . or .., or starting with -, at its key", () => {
    const errors = errorsOf(`services:
  "..":
    image: x
    secrets: [token]
  web:
    image: x
    secrets: [".."]
    networks: ["-front"]
    volumes: [".:/data"]
secrets:
  token: {content: a}
  "..": {content: b}
networks:
  "-front": {}
volumes:
  ".": {}
`);
    expect(errors).toEqual([
      'compose.yml:2:3: error invalid-name: service name ".." names a folder, not a file: give it a name with a letter or digit in it',
      'compose.yml:12:3: error invalid-name: secret name ".." names a folder, not a file: give it a name with a letter or digit in it',
      'compose.yml:14:3: error invalid-name: network name "-front" starts with "-", which commands would read as an option; start it with a letter or digit',
      'compose.yml:16:3: error invalid-name: volume name "." names a folder, not a file: give it a name with a letter or digit in it',
    ]);
  });

  it("refuses a container_name docker refuses, such as one that reads as an option, at its value", () => {
    const errors = errorsOf(`services:
  web:
    image: x
    container_name: "--volumes"
  db:
    image: x
    container_name: "db\\u0001"
  one:
    image: x
    container_name: a
`);
    const advice = 'is not a name docker accepts: use two or more of letters, digits, "_", "." and "-", starting with a letter or digit';
    expect(errors).toEqual([
      `compose.yml:4:21: error invalid-name: container_name "--volumes" ${advice}`,
      `compose.yml:7:21: error invalid-name: container_name "db\\u0001" ${advice}`,
      `compose.yml:10:21: error invalid-name: container_name "a" ${advice}`,
    ]);
  });

  it("refuses an image reference that starts with -, which docker create would read as an option", () => {
    expect(errorsOf('services:\n  web:\n    image: "--privileged"\n')).toEqual([
      'compose.yml:3:12: error invalid-reference: invalid image reference "--privileged"',
    ]);
  });

  it("reports two names that make one unit at the later one, saying where the other is", () => {
    const errors = errorsOf(`services:
  network-front:
    image: x
    networks: [front]
  image-cleanup:
    image: x
networks:
  front: {}
`);
    expect(errors).toEqual([
      'compose.yml:5:3: error name-collision: service "image-cleanup": its generated file t-image-cleanup.service has the same name as the one made for project "t"; rename one of them',
      'compose.yml:8:3: error name-collision: network "front": its generated file t-network-front.service has the same name as the one made for service "network-front" (compose.yml:2:3); rename one of them',
    ]);
  });

  it("refuses a unit name longer than systemd takes, at the name that makes it long", () => {
    // t-<name>.service: 10 bytes besides the name; systemd and file systems take 255.
    const longest = "a".repeat(245);
    const ok = compiled(`services:\n  ${longest}:\n    image: x\n    environment: {A: b}\n`);
    expect(ok.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(fileOf(ok, `t-${longest}.service`)).toContain(`Description=t: compose service ${longest}\n`);
    const errors = errorsOf(`services:\n  ${longest}b:\n    image: x\n`);
    expect(errors).toEqual([
      `compose.yml:2:3: error name-too-long: service "${longest}b": the unit name t-${longest}b.service is 256 bytes long; file systems and systemd take at most 255: shorten the name (or the project name)`,
    ]);
  });

  it.skipIf(verifySkip)("loads a unit whose name is the longest systemd takes", { tags: [REAL] }, () => {
    expectSystemdLoads(compiled(`services:\n  ${"a".repeat(245)}:\n    image: x\n`));
  });

  it("refuses a project named after one of systemd's own units, at name:, or unlocated when given with -p", () => {
    expect(errorsOf("name: basic\nservices:\n  web: {image: x}\n", { projectName: undefined })).toEqual([
      'compose.yml:1:7: error name-reserved: project "basic": the unit basic.target would replace the host\'s own unit of that name (see systemd.special(7)); choose another name',
    ]);
    expect(errorsOf("services:\n  web: {image: x}\n", { projectName: "network" })).toEqual([
      'error name-reserved: project "network": the unit network.target would replace the host\'s own unit of that name (see systemd.special(7)); choose another name',
    ]);
    // Every unit would start with systemd-: said once, at the project name.
    expect(errorsOf("name: systemd\nservices:\n  journald: {image: x}\n", { projectName: undefined })).toEqual([
      'compose.yml:1:7: error name-reserved: project "systemd": every unit would start with "systemd-", which names systemd\'s own units; choose another project name',
    ]);
  });

  it("refuses a service whose unit would replace one of the host's, at the service", () => {
    expect(errorsOf("services:\n  init: {image: x}\n", { projectName: "cloud" })).toEqual([
      'compose.yml:2:3: error name-reserved: service "init": the unit cloud-init.service would replace the host\'s own unit of that name (see systemd.special(7)); choose another name',
    ]);
  });
});

describe("values on unit lines", () => {
  it("refuses a control character in stop_signal at its value, and passes a signal docker knows", () => {
    expect(errorsOf('services:\n  web:\n    image: x\n    stop_signal: "TERM\\u0001"\n')).toEqual([
      'compose.yml:4:18: error invalid-value: stop_signal "TERM\\u0001" is not a signal: write a name such as SIGTERM or SIGQUIT, or a number such as 15',
    ]);
    const ok = compiled("services:\n  web:\n    image: x\n    stop_signal: SIGRTMIN+3\n");
    expect(fileOf(ok, "t-web.service")).toContain(" --stop-signal SIGRTMIN+3 ");
  });

  it("refuses a control character in a network's docker name at the network", () => {
    const errors = errorsOf('services:\n  web: {image: x}\nnetworks:\n  default: {name: "a\\u0007b"}\n');
    // At the network, for its own unit, and at the service that joins it, for its docker create.
    expect(errors.some((e) => e.startsWith('compose.yml:4:3: error unsafe-value: network "a\\x07b": '))).toBe(true);
    for (const e of errors) expect(e).toMatch(/^compose\.yml:\d+:\d+: error unsafe-value: .*a bell character \(U\+0007\)/);
  });

  const DESCRIBED = 'services:\n  web: {image: x}\nnetworks:\n  default: {name: "100%\\\\"}\n';

  it("escapes % in a Description and keeps a trailing backslash from joining the next line", () => {
    const unit = fileOf(compiled(DESCRIBED), "t-network-default.service");
    // systemd strips the space after the backslash from the value; without it the Requires= line below would be swallowed.
    expect(unit).toContain("Description=t: docker network 100%%\\ \nRequires=docker.service\n");
  });

  it.skipIf(verifySkip)("has systemd-analyze load the described unit without a complaint", { tags: [REAL] }, () => {
    expectSystemdLoads(compiled(DESCRIBED));
  });

  it.skipIf(skipWithoutSystemd("reading a Description back"))(
    "has systemd read the Description back as written, and the next line as its own",
    { tags: [REAL] },
    () => {
      const folder = new UnitFolder("compose2units-description-");
      try {
        folder.write("docker.service", "[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n");
        folder.write("t-network-default.service", fileOf(compiled(DESCRIBED), "t-network-default.service"));
        const run = folder.run("t-network-default.service");
        const block = run.stdout.slice(run.stdout.indexOf("\t-> Unit t-network-default.service:"));
        expect(block).toContain("\t\tDescription: t: docker network 100%\\\n");
        expect(block).toMatch(/\t\tRequires: docker\.service/);
      } finally {
        folder.remove();
      }
    },
  );

  it("refuses a unit line longer than systemd reads, at the value that made it long", () => {
    const errors = errorsOf(`services:\n  web:\n    image: x\n    command: ["echo", "${"a".repeat(MAX_UNIT_LINE_BYTES)}"]\n`);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^compose\.yml:4:14: error unsafe-value: service "web": the ExecStartPre= line would be \d+ bytes long; systemd reads lines of at most 1048575 bytes and would not load the unit: shorten the value$/,
    );
  });

  it("checks every line in the writer: length, control characters, executables", () => {
    const at = { file: "compose.yml", line: 3, column: 5 };
    const bag = new DiagnosticBag();
    const sections = [
      {
        name: "Service" as const,
        entries: [
          ["Environment", "A=b\u0000", at],
          ["ExecStart", "docker ps", at],
          ["ExecStop", "-/bin/true", at],
          ["ExecStartPost", "-@:relative/path x", at],
          ["X-Long", "y".repeat(MAX_UNIT_LINE_BYTES - "X-Long=".length + 1), at],
        ] as const,
      },
    ];
    expect(renderUnit([], sections, bag, "unit")).toBeUndefined();
    expect(bag.sorted().map(formatDiagnostic)).toEqual([
      "compose.yml:3:5: error unsafe-value: unit: the Environment= line contains a NUL byte (U+0000), which a systemd unit line cannot carry",
      'compose.yml:3:5: error unsafe-value: unit: the ExecStart= line executable "docker" is not an absolute path (a leading - @ : + ! would be read as a prefix)',
      'compose.yml:3:5: error unsafe-value: unit: the ExecStartPost= line executable "relative/path" is not an absolute path (a leading - @ : + ! would be read as a prefix)',
      "compose.yml:3:5: error unsafe-value: unit: the X-Long= line would be 1048576 bytes long; systemd reads lines of at most 1048575 bytes and would not load the unit: shorten the value",
    ]);
    const fine = new DiagnosticBag();
    const longest = [{ name: "Service" as const, entries: [["X-Long", "y".repeat(MAX_UNIT_LINE_BYTES - "X-Long=".length)]] as const }];
    expect(renderUnit([], longest, fine, "unit")).toBeDefined();
    expect(fine.sorted()).toEqual([]);
  });

  it("refuses a command line whose executable is not an absolute path", () => {
    const bag = new DiagnosticBag();
    expect(new CommandLine("docker").add("ps").render(bag, "unit")).toBeUndefined();
    expect(bag.sorted().map(formatDiagnostic)).toEqual([
      'error unsafe-value: unit: executable "docker" is not an absolute path (a leading - @ : + ! would be read as a prefix)',
    ]);
  });
});

describe("numbers the host takes", () => {
  it("refuses durations and counts beyond what systemd and docker take, with the range, at the value", () => {
    const errors = errorsOf(`services:
  web:
    image: x
    stop_grace_period: 2147483648s
    restart: on-failure:4294967295
    pids_limit: 9223372036854775808
    cpu_shares: 99999999999999999999999
    oom_score_adj: 1001
    mem_swappiness: 101
    cpus: 99999999999
    mem_limit: 99999999999g
    expose: ["70000"]
    ulimits:
      nofile: {soft: 1, hard: 9223372036854775808}
    healthcheck:
      test: ["CMD", "true"]
      interval: 3000000000s
      retries: 2147483648
`);
    const int64 = "from -9223372036854775808 to 9223372036854775807";
    expect(errors).toEqual([
      'compose.yml:4:24: error out-of-range: stop_grace_period "2147483648s" is out of range: from 0 to 2147483647 seconds (about 68 years)',
      'compose.yml:5:14: error out-of-range: restart "on-failure:4294967295": on-failure takes from 0 to 4294967294 restarts (systemd counts the first start and the restarts in an unsigned 32-bit StartLimitBurst=)',
      `compose.yml:6:17: error out-of-range: pids_limit must be a whole number ${int64}`,
      `compose.yml:7:17: error out-of-range: cpu_shares must be a whole number ${int64}`,
      "compose.yml:8:20: error out-of-range: oom_score_adj must be a whole number from -1000 to 1000",
      "compose.yml:9:21: error out-of-range: mem_swappiness must be a whole number from 0 to 100 (or -1)",
      "compose.yml:10:11: error out-of-range: cpus must be a number from 0 to 9223372036",
      "compose.yml:11:16: error out-of-range: mem_limit must be a size such as 512m or 1g, at most 9223372036854775807 bytes",
      'compose.yml:12:14: error invalid-port: invalid exposed port "70000"',
      `compose.yml:14:15: error out-of-range: ulimit nofile needs whole-number soft and hard limits ${int64}`,
      'compose.yml:17:17: error out-of-range: interval "3000000000s" is out of range: from 0 to 2147483647 seconds (about 68 years)',
      'compose.yml:18:16: error out-of-range: healthcheck retries must be a whole number from 0 to 2147483647, not "2147483648"',
    ]);
  });

  it("checks deploy.resources the same way as the service keys they stand for", () => {
    const errors = errorsOf(`services:
  web:
    image: x
    deploy:
      resources:
        limits: {cpus: "99999999999", memory: 99999999999g, pids: "9223372036854775808"}
        reservations: {memory: lots}
`);
    expect(errors).toEqual([
      "compose.yml:6:24: error out-of-range: cpus must be a number from 0 to 9223372036",
      "compose.yml:6:47: error out-of-range: memory must be a size such as 512m or 1g, at most 9223372036854775807 bytes",
      "compose.yml:6:67: error out-of-range: pids must be a whole number from -9223372036854775808 to 9223372036854775807",
      "compose.yml:7:32: error invalid-size: memory must be a size such as 512m or 1g, at most 9223372036854775807 bytes",
    ]);
  });

  it("refuses a healthy-wait longer than a start timeout may be, at the dependency", () => {
    const errors = errorsOf(`services:
  db:
    image: x
    healthcheck: {test: ["CMD", "true"], interval: 2147483647s, timeout: 2147483647s, retries: 5}
  web:
    image: x
    depends_on:
      db: {condition: service_healthy}
`);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^compose\.yml:8:7: error out-of-range: service "web": waiting for "db" to become healthy may take \d+ seconds by its healthcheck, more than the 4294967295 a start timeout here may be/,
    );
  });

  const LARGEST = `services:
  web:
    image: x
    stop_grace_period: 2147483647s
    restart: on-failure:4294967294
    # Quoted: a YAML number this large is read as a float and no longer exact.
    pids_limit: "9223372036854775807"
`;

  it("compiles the largest values each setting takes", () => {
    const unit = fileOf(compiled(LARGEST), "t-web.service");
    expect(unit).toContain("StartLimitBurst=4294967295\n");
    expect(unit).toContain("TimeoutStopSec=2147483677\n");
    expect(unit).toContain(" --pids-limit 9223372036854775807 ");
  });

  it.skipIf(verifySkip)("has systemd-analyze take the largest values without a complaint", { tags: [REAL] }, () => {
    expectSystemdLoads(compiled(LARGEST));
  });
});

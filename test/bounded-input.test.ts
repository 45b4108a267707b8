import { spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile, formatDiagnostic, InputRefused, type CompileOptions } from "../src/index.js";
import { load } from "./loader/support.js";
import { BIN, projectDir } from "./support/cli-run.js";
import { REAL } from "./support/real-tag.js";

/**
 * Inputs made to cost without bound: each must end, quickly, in a located
 * error (exit 1) or a usage error naming the path (exit 2), never in a
 * crash (exit 70), a hang or memory exhaustion. The time bounds are loose
 * on purpose: the point is seconds, not minutes.
 */
const SECONDS = 5;

function timed<T>(run: () => T): { value: T; seconds: number } {
  const start = performance.now();
  const value = run();
  return { value, seconds: (performance.now() - start) / 1000 };
}

/** The errors of compiling a compose file through the library, and how long it took. */
function compileErrors(content: string, options: CompileOptions = {}): { errors: string[]; seconds: number } {
  const { value, seconds } = timed(() => compile({ path: "compose.yaml", content }, { projectName: "p", projectDirectory: "/p", environment: {}, ...options }));
  expect(value.files).toEqual([]);
  return { errors: value.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic), seconds };
}

const SERVICE = "services:\n  web:\n    image: nginx\n";

/** Ten anchors, each a list of ten aliases to the one before: 10^10 values once expanded. */
function aliasBomb(): string {
  let out = 'x-a0: &a0 ["lol"]\n';
  for (let i = 1; i < 10; i++) out += `x-a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(",")}]\n`;
  return out;
}

describe("YAML that expands without bound", () => {
  it("an alias bomb under an unused x- key is an error at the alias that goes over the limit", () => {
    const bomb = aliasBomb();
    expect(bomb.length).toBeLessThan(600);
    const { errors, seconds } = compileErrors(SERVICE + bomb);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^compose\.yaml:\d+:\d+: error yaml-syntax: aliases copy more than 200000 values into this file/);
    expect(seconds).toBeLessThan(SECONDS);
  });

  it("a bomb of << merge keys is an error at the alias that goes over the limit", () => {
    let bomb = "x-m0: &m0 {a: 1, b: 2}\n";
    for (let i = 1; i < 40; i++) bomb += `x-m${i}: &m${i}\n  <<: [*m${i - 1}, *m${i - 1}, *m${i - 1}]\n  k${i}: v\n`;
    const { errors, seconds } = compileErrors(SERVICE + bomb);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^compose\.yaml:\d+:\d+: error yaml-syntax: aliases copy more than 200000 values/);
    expect(seconds).toBeLessThan(SECONDS);
  });

  it("an alias bomb written only in explicit mapping keys is an error at the alias that goes over the limit", () => {
    // Keys are walked as values are: a document is measured when it has an alias anywhere.
    let keys = "x-keys:\n  ? &a0 [lol]\n  : 0\n";
    for (let i = 1; i < 10; i++) keys += `  ? &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(", ")}]\n  : ${i}\n`;
    const { errors, seconds } = compileErrors(SERVICE + keys);
    expect(errors).toEqual(["compose.yaml:15:50: error yaml-syntax: aliases copy more than 200000 values into this file; up to here they copy 213449"]);
    expect(seconds).toBeLessThan(SECONDS);
  });

  it("a merge key that names its own mapping is an error at the alias", () => {
    const { errors } = compileErrors("services:\n  a: &x {image: nginx, <<: *x}\n");
    expect(errors).toEqual(["compose.yaml:2:28: error yaml-syntax: alias *x is inside the value it refers to, which would then contain itself without end"]);
  });

  it("an alias inside the value it names is an error at the alias", () => {
    const { errors } = compileErrors("services:\n  a: &x\n    image: nginx\n    labels:\n      - *x\n");
    expect(errors).toEqual(["compose.yaml:5:9: error yaml-syntax: alias *x is inside the value it refers to, which would then contain itself without end"]);
  });

  it("aliases that nest values deeper than the limit are an error at the alias", () => {
    let chain = "x-d0: &d0 [[[[[[[[[[x]]]]]]]]]]\n";
    for (let i = 1; i < 20; i++) chain += `x-d${i}: &d${i} [[[[[[[[[[*d${i - 1}]]]]]]]]]]\n`;
    const { errors } = compileErrors(SERVICE + chain);
    expect(errors).toEqual(["compose.yaml:13:21: error yaml-syntax: alias *d8 nests mappings and lists more than 100 levels deep"]);
  });

  it("aliases a real file uses stay allowed, and are resolved in linear time", () => {
    // Resolving each alias through the yaml package searched the whole document: 2,000 of them took 15 s.
    const services = Array.from({ length: 2000 }, (_, i) => `  s${i}:\n    <<: *common\n    image: nginx\n    labels: [a, b]\n`).join("");
    const content = `x-common: &common\n  restart: always\n  environment: {A: "1", B: "2"}\nservices:\n${services}`;
    const { value: result, seconds } = timed(() => compile({ path: "compose.yaml", content }, { projectName: "p", projectDirectory: "/p", environment: {} }));
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(result.project?.services).toHaveLength(2000);
    expect(seconds).toBeLessThan(SECONDS);
  });
});

describe("nesting deeper than the limit", () => {
  const deep = 20_000;
  const cases: [string, string, RegExp][] = [
    ["flow lists", `x-deep: ${"[".repeat(deep)}${"]".repeat(deep)}\n`, /^compose\.yaml:4:108: /],
    ["flow mappings", `x-deep: ${"{a: ".repeat(deep)}${"}".repeat(deep)}\n`, /^compose\.yaml:4:\d+: /],
    ["block lists", `x-deep:\n  ${"- ".repeat(deep)}x\n`, /^compose\.yaml:5:\d+: /],
    ["block mappings", `x-deep:\n${Array.from({ length: 3000 }, (_, i) => `${" ".repeat(i + 1)}k:`).join("\n")} v\n`, /^compose\.yaml:\d+:\d+: /],
  ];
  for (const [what, yaml, place] of cases) {
    it(`${what}: an error at the first collection past it`, () => {
      const { errors, seconds } = compileErrors(SERVICE + yaml);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(place);
      expect(errors[0]).toMatch(/error yaml-syntax: mappings and lists nest more than 100 levels deep here$/);
      expect(seconds).toBeLessThan(SECONDS);
    });
  }

  it("${A:-${A:-...}} twenty thousand deep is an error at the value", () => {
    const nested = `${"${A:-".repeat(deep)}x${"}".repeat(deep)}`;
    const { errors, seconds } = compileErrors(`services:\n  web:\n    image: "nginx:${nested}"\n`);
    expect(errors).toEqual(["compose.yaml:3:12: error interpolation: ${...} nests more than 100 levels deep"]);
    expect(seconds).toBeLessThan(SECONDS);
  });
});

describe("values that grow without bound", () => {
  /** A=x, then each variable twice the one before: 2^30 characters by the last line. */
  const doubling = ["V0=x", ...Array.from({ length: 30 }, (_, i) => `V${i + 1}=$V${i}$V${i}`)].join("\n") + "\n";

  it("in .env: an error at the line whose value goes over 1 MiB", () => {
    const { errors, seconds } = compileErrors(SERVICE, { files: { "/p/.env": doubling } });
    expect(errors).toEqual([".env:22:1: error invalid-env-file: variable V21: substituting variables makes this value longer than 1 MiB"]);
    expect(seconds).toBeLessThan(SECONDS);
  });

  it("in an env_file: the same, naming the service", () => {
    const { errors, seconds } = compileErrors(`${SERVICE}    env_file: doubling.env\n`, { files: { "/p/doubling.env": doubling } });
    expect(errors).toEqual([
      'doubling.env:22:1: error invalid-env-file: service "web": variable V21: substituting variables makes this value longer than 1 MiB',
    ]);
    expect(seconds).toBeLessThan(SECONDS);
  });

  it("one large env file read by many services: an error once the project's budget is spent", () => {
    const big = `BIG=${"y".repeat(512 * 1024)}\n${Array.from({ length: 100 }, (_, i) => `COPY${i}=$BIG`).join("\n")}\n`;
    const services = Array.from({ length: 100 }, (_, i) => `  s${i}:\n    image: nginx\n    env_file: big.env\n`).join("");
    const { errors, seconds } = compileErrors(`services:\n${services}`, { files: { "/p/big.env": big } });
    // Each service left without its env file is named, so every one of them has its diagnostic.
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors)
      expect(e).toMatch(
        /^big\.env:\d+:1: error invalid-env-file: service "s\d+": (?:variable (?:BIG|COPY\d+): )?substitution and env files produce more than 256 MiB of text in this project by here$/,
      );
    expect(seconds).toBeLessThan(SECONDS);
  });
});

describe("extends and include in linear time", () => {
  it("an extends chain of 5,000 services loads in seconds", () => {
    let content = "services:\n  s0:\n    image: nginx\n";
    for (let i = 1; i < 5000; i++) content += `  s${i}:\n    extends: s${i - 1}\n`;
    const { value: r, seconds } = timed(() => load({ "compose.yaml": content }, ["compose.yaml"], { projectName: "p" }));
    expect(r.errors).toEqual([]);
    expect(r.service("s4999").image).toMatchObject({ ref: { value: "nginx" } });
    expect(seconds).toBeLessThan(SECONDS);
  });

  it("a cycle at the end of a long chain is reported once, at the extends that closes it", () => {
    let content = "services:\n  s0:\n    image: nginx\n    extends: s2999\n";
    for (let i = 1; i < 3000; i++) content += `  s${i}:\n    extends: s${i - 1}\n`;
    const { value: r, seconds } = timed(() => load({ "compose.yaml": content }, ["compose.yaml"], { projectName: "p" }));
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^compose\.yaml:4:14: error extends-cycle: extends cycle: s0 extends s2999 extends s2998 .* extends s1 extends s0$/);
    expect(seconds).toBeLessThan(SECONDS);
  });

  /** `levels` levels of `width` files, each including every file of the next level: width^levels paths to the last. */
  function fanOut(levels: number, width: number): Record<string, string> {
    const files: Record<string, string> = {};
    const includes = (level: number) => `include:\n${Array.from({ length: width }, (_, k) => `  - l${level}-${k}.yaml\n`).join("")}`;
    for (let l = 0; l < levels; l++) {
      for (let j = 0; j < width; j++) files[`l${l}-${j}.yaml`] = l === levels - 1 ? `services:\n  leaf${j}:\n    image: nginx\n` : includes(l + 1);
    }
    files["compose.yaml"] = includes(0);
    return files;
  }

  it("a file included along millions of paths is loaded once", () => {
    const { value: r, seconds } = timed(() => load(fanOut(12, 4), ["compose.yaml"], { projectName: "p" }));
    expect(r.errors).toEqual([]);
    expect(r.project?.services.map((s) => s.name)).toEqual(["leaf0", "leaf1", "leaf2", "leaf3"]);
    expect(seconds).toBeLessThan(SECONDS);
  });

  it("more than 1,000 included files is an error at the include that goes over", () => {
    const files: Record<string, string> = { "compose.yaml": `include:\n${Array.from({ length: 1001 }, (_, i) => `  - f${i}.yaml\n`).join("")}` };
    for (let i = 0; i < 1001; i++) files[`f${i}.yaml`] = `services:\n  s${i}:\n    image: nginx\n`;
    const r = load(files, ["compose.yaml"], { projectName: "p" });
    expect(r.errors).toEqual(["compose.yaml:1002:5: error limit-exceeded: this project includes more than 1000 compose files"]);
  });
});

describe("schema errors in a large file", () => {
  it("one malformed service among thousands, beside thousands of networks, is found in seconds", () => {
    const n = 8000;
    const services = Array.from({ length: n }, (_, i) => `  s${i}:\n    image: nginx\n    ports: [${i === 0 ? "{published: 80}" : '"80"'}]\n`).join("");
    const networks = Array.from({ length: n }, (_, i) => `  n${i}:\n    driver: bridge\n`).join("");
    const { value: r, seconds } = timed(() => load({ "compose.yaml": `services:\n${services}networks:\n${networks}` }, ["compose.yaml"], { projectName: "p" }));
    expect(r.errors[0]).toMatch(/^compose\.yaml:4:13: error schema: services\.s0\.ports\[0\]: missing required key "target"/);
    expect(r.project?.services).toHaveLength(n - 1);
    expect(seconds).toBeLessThan(SECONDS);
  });
});

describe("input files through the library", () => {
  it("a file readFile refuses is an error where it is named, with readFile's reason", () => {
    const { errors } = compileErrors(`${SERVICE}    env_file: web.env\n`, {
      readFile: (path) => {
        if (path === "/p/web.env") throw new InputRefused("is a FIFO, not a regular file");
        return undefined;
      },
    });
    expect(errors).toEqual(['compose.yaml:4:15: error missing-input: service "web": env_file web.env is a FIFO, not a regular file']);
  });

  it("any other error readFile throws is an error there too, not a crash", () => {
    const { errors } = compileErrors(`${SERVICE}    env_file: web.env\n`, {
      readFile: (path) => {
        if (path === "/p/web.env") throw new Error("EIO");
        return undefined;
      },
    });
    expect(errors).toEqual(['compose.yaml:4:15: error missing-input: service "web": env_file web.env cannot be read (EIO)']);
  });

  it("a text over 16 MiB from files or readFile is refused", () => {
    const huge = "A=" + "x".repeat(16 * 1024 * 1024) + "\n";
    const refused = `is larger than the 16 MiB an input file may be (${huge.length} bytes)`;
    const fromFiles = compileErrors(`${SERVICE}    env_file: web.env\n`, { files: { "web.env": huge } });
    expect(fromFiles.errors).toEqual([`compose.yaml:4:15: error missing-input: service "web": env_file web.env ${refused}`]);
    expect(fromFiles.seconds).toBeLessThan(SECONDS);
    const fromReadFile = compileErrors(`${SERVICE}    env_file: web.env\n`, { readFile: (path) => (path === "/p/web.env" ? huge : undefined) });
    expect(fromReadFile.errors).toEqual([`compose.yaml:4:15: error missing-input: service "web": env_file web.env ${refused}`]);
  });

  it("a compose file over 16 MiB is refused at its start", () => {
    const content = `${SERVICE}# ${"x".repeat(16 * 1024 * 1024)}\n`;
    const { errors } = compileErrors(content);
    expect(errors).toEqual([`compose.yaml:1:1: error missing-input: compose.yaml is larger than the 16 MiB an input file may be (${content.length} bytes)`]);
  });
});

/** The built CLI in a child process, stopped if it runs too long: a hang must fail the test, not stall it. */
function cli(args: string[], cwd: string, input?: string | Buffer): { status: number | null; stderr: string; seconds: number } {
  const { value: r, seconds } = timed(() =>
    spawnSync(BIN, args, { cwd, input: input ?? "", encoding: "utf8", timeout: 30_000, maxBuffer: 64 * 1024 * 1024, env: { PATH: process.env.PATH } }),
  );
  return { status: r.status, stderr: r.stderr, seconds };
}

function mkfifo(path: string): void {
  const r = spawnSync("mkfifo", [path]);
  if (r.status !== 0) throw new Error(`mkfifo failed: ${r.stderr}`);
}

describe("input files through the CLI", { tags: [REAL] }, () => {
  it("a FIFO or a device named on the command line is a usage error naming it", () => {
    const dir = projectDir({ "compose.yaml": SERVICE });
    mkfifo(join(dir, "fifo"));
    for (const [args, message] of [
      [["check", "fifo"], "cannot read fifo: it is a FIFO, not a regular file"],
      [["check", "compose.yaml", "--env-file", "/dev/urandom"], "cannot read env file /dev/urandom: it is a character device, not a regular file"],
      [["check", "compose.yaml", "--registry-auth", "fifo"], "cannot read registry credentials fifo: it is a FIFO, not a regular file"],
      [["check", "compose.yaml", "--cloud-config-base", "/dev/zero"], "cannot read /dev/zero: it is a character device, not a regular file"],
      [["check", "compose.yaml", "-f", "."], "cannot read .: it is a folder, not a regular file"],
    ] as const) {
      const r = cli([...args], dir);
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 2, stderr: `compose2units: ${message}\n` });
      expect(r.seconds).toBeLessThan(SECONDS);
    }
  });

  it("standard input past 16 MiB is a usage error", () => {
    const dir = projectDir({});
    const r = cli(["check", "-"], dir, Buffer.alloc(16 * 1024 * 1024 + 1, "#"));
    expect({ status: r.status, stderr: r.stderr }).toEqual({
      status: 2,
      stderr: "compose2units: standard input is larger than the 16 MiB an input file may be\n",
    });
  });

  it("a FIFO or a device the compose file names is an error where it is named", () => {
    const dir = projectDir({
      "compose.yaml": `${SERVICE}    env_file: zero.env\n    secrets: [s]\n    configs: [c]\nsecrets:\n  s:\n    file: fifo\nconfigs:\n  c:\n    file: random\n`,
    });
    mkfifo(join(dir, "fifo"));
    symlinkSync("/dev/zero", join(dir, "zero.env"));
    symlinkSync("/dev/urandom", join(dir, "random"));
    const r = cli(["check", "compose.yaml", "--no-color"], dir);
    expect(r.stderr.split("\n").filter(Boolean)).toEqual([
      'compose.yaml:4:15: error missing-input: service "web": env_file zero.env is a character device, not a regular file',
      'compose.yaml:9:11: error missing-input: secret "s": file fifo is a FIFO, not a regular file',
      'compose.yaml:12:11: error missing-input: config "c": file random is a character device, not a regular file',
    ]);
    expect(r.status).toBe(1);
    expect(r.seconds).toBeLessThan(SECONDS);
  });

  it("a .env or a discovered compose file that is a FIFO is an error at that file", () => {
    const dir = projectDir({ "compose.yaml": SERVICE });
    mkfifo(join(dir, ".env"));
    const env = cli(["check", "compose.yaml"], dir);
    expect({ status: env.status, stderr: env.stderr }).toEqual({
      status: 1,
      stderr: ".env:1:1: error missing-input: env file .env is a FIFO, not a regular file\n",
    });
    const other = projectDir({});
    mkdirSync(join(other, "sub"));
    mkfifo(join(other, "compose.yaml"));
    const found = cli(["check"], join(other, "sub"));
    expect(found.status).toBe(1);
    expect(found.stderr).toMatch(/^\/.*\/compose\.yaml:1:1: error missing-input: compose file \/.*\/compose\.yaml is a FIFO, not a regular file\n$/);
  });

  it("bombs through the CLI end with exit 1, not a crash", () => {
    const dir = projectDir({
      "bomb.yaml": SERVICE + aliasBomb(),
      "self.yaml": "services:\n  a: &x {image: nginx, <<: *x}\n",
      "deep.yaml": `${SERVICE}x-deep: ${"[".repeat(20_000)}${"]".repeat(20_000)}\n`,
    });
    for (const file of ["bomb.yaml", "self.yaml", "deep.yaml"]) {
      const r = cli(["check", file], dir);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^${file.replace(".", "\\.")}:\\d+:\\d+: error yaml-syntax: `));
      expect(r.seconds).toBeLessThan(SECONDS);
    }
  });

  it("an alias bomb as --cloud-config-base is a usage error", () => {
    const dir = projectDir({ "compose.yaml": SERVICE, "base.yaml": aliasBomb() });
    const r = cli(["check", "compose.yaml", "--cloud-config-base", "base.yaml"], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^compose2units: base\.yaml must be a YAML mapping of cloud-config keys \(.+\)\n$/);
  });
});

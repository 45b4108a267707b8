import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compile, formatDiagnostic, type CompileOptions } from "../src/index.js";
import { compileFixture, fixtureSettings, listFixtures } from "./support/fixtures.js";
import { CORPUS, corpusComposeFiles } from "./support/corpus.js";
import { readBackWithCloudInit, type Compiled } from "./support/cloud-init-check.js";
import { TOOLS, cloudInitSchema, requirementMissing, toolMissing } from "./support/real-tools.js";
import { prng } from "./support/systemd-exec.js";
import { REAL } from "./support/real-tag.js";

/**
 * What cloud-init installs is byte for byte what compose2units wrote, and
 * the document has only the top-level keys compose2units meant: every
 * cloud-config is read back with cloud-init's own loader (PyYAML, YAML 1.1)
 * and write_files decoding, never with the yaml package that wrote it.
 */

const scratch = mkdtempSync(join(tmpdir(), "compose2units-reading-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const readBack = (all: readonly Compiled[]) => readBackWithCloudInit(all, scratch);

function compileText(label: string, content: string, options: CompileOptions): Compiled {
  const full: CompileOptions = { projectName: "p", projectDirectory: "/srv/p", environment: {}, readFile: () => undefined, ...options };
  return { label, result: compile({ path: "compose.yaml", content }, full), options: full };
}

/**
 * Values cloud-init's reader breaks lines at (U+0085, U+2028, U+2029) or
 * refuses (C1 controls, U+FFFE), and a tab in one-line text, each followed by
 * what an attacker would want cloud-init to see on a line of its own.
 */
const HOSTILE = [
  "\\u2028bootcmd: [[sh, -c, touch /pwned]]",
  "\\u2029ExecStartPre=/bin/touch /pwned",
  "\\x85LD_PRELOAD=/tmp/x.so",
  "\\x9b",
  "\\ufffe",
  "one\\tline",
];

/** One compose file per place a value travels from; `${V}` is a hostile value. */
const PLACES: Record<string, string> = {
  environment: 'services:\n  web:\n    image: busybox\n    environment:\n      A: "x${V}"\n',
  "environment passed through": "services:\n  web:\n    image: busybox\n    environment: [PASSED]\n",
  command: 'services:\n  web:\n    image: busybox\n    command: ["echo", "x${V}"]\n',
  labels: 'services:\n  web:\n    image: busybox\n    labels:\n      l: "x${V}"\n',
  healthcheck: 'services:\n  web:\n    image: busybox\n    healthcheck:\n      test: ["CMD", "true", "x${V}"]\n',
  logging: 'services:\n  web:\n    image: busybox\n    logging:\n      options:\n        tag: "x${V}"\n',
  volumes: 'services:\n  web:\n    image: busybox\n    volumes: ["/srv/x${V}:/data"]\n',
  hooks: 'services:\n  web:\n    image: busybox\n    post_start:\n      - command: ["echo", "x${V}"]\n        environment:\n          H: "x${V}"\n',
  secret: "services:\n  web:\n    image: busybox\n    secrets: [s]\nsecrets:\n  s:\n    environment: SECRET\n",
  config: 'services:\n  web:\n    image: busybox\n    configs: [c]\nconfigs:\n  c:\n    content: "x${V}"\n',
  "x-cloud-config": 'x-cloud-config:\n  timezone: "x${V}"\nservices:\n  web:\n    image: busybox\n',
};

/** The same value as the compiling machine's environment gives it (decoded), for the places that read it from there. */
const decode = (escaped: string) => JSON.parse(`"${escaped.replace(/\\x([0-9a-f]{2})/g, "\\u00$1")}"`) as string;

describe.skipIf(toolMissing(TOOLS.cloudInit))("the cloud-config, read by cloud-init", { tags: [REAL] }, () => {
  it("installs every fixture's files byte for byte, with only the keys meant", () => {
    const all = listFixtures().map((f) => ({ label: f.name, result: compileFixture(f), options: { ...fixtureSettings(f) } }));
    for (const c of all) expect(c.result.files.length, c.label).toBeGreaterThan(0);
    expect(readBack(all)).toEqual([]);
  });

  it.skipIf(requirementMissing("the corpus read back by cloud-init", [CORPUS], "it sits next to the repository"))(
    "installs what every corpus file compiles to byte for byte",
    () => {
      const readDisk = (path: string) => (existsSync(path) && statSync(path).isFile() ? readFileSync(path, "utf8") : undefined);
      const all = corpusComposeFiles().flatMap((path) => {
        const options: CompileOptions = { workingDirectory: CORPUS, environment: {}, readFile: readDisk };
        const result = compile({ path: relative(CORPUS, path), content: readFileSync(path, "utf8") }, options);
        return result.files.length > 0 ? [{ label: relative(CORPUS, path), result, options }] : [];
      });
      expect(all.length).toBeGreaterThan(10);
      expect(readBack(all)).toEqual([]);
    },
  );

  it("carries values with line breaks and characters cloud-init refuses as the files hold them, or refuses them located", () => {
    const compiled: Compiled[] = [];
    const refused: string[] = [];
    for (const [place, template] of Object.entries(PLACES)) {
      for (const value of HOSTILE) {
        const text = template.replaceAll("${V}", value);
        const c = compileText(`${place}: ${JSON.stringify(value)}`, text, { environment: { PASSED: decode(`x${value}`), SECRET: decode(`x${value}`) } });
        const errors = c.result.diagnostics.filter((d) => d.severity === "error");
        for (const d of errors) if (!d.location) refused.push(`${c.label}: unlocated ${formatDiagnostic(d)}`);
        if (errors.length === 0) compiled.push(c);
      }
    }
    expect(refused).toEqual([]);
    // Environment values, secrets, configs and passed-through variables are data: they must compile, whatever they hold.
    for (const place of ["environment", "environment passed through", "secret", "config"]) {
      expect(compiled.filter((c) => c.label.startsWith(`${place}: `)).length, place).toBe(HOSTILE.length);
    }
    expect(readBack(compiled)).toEqual([]);
  });

  it("carries hostile registry credentials and host settings from the options, or refuses them", () => {
    const base = "services:\n  web:\n    image: busybox\n";
    const compiled = HOSTILE.map((v) => compileText(`registry auth ${v}`, base, { registryAuth: `{"auths":{}}${decode(v)}\n` }));
    for (const c of compiled) expect(c.result.files.length, c.label).toBeGreaterThan(0);
    const settings = compileText("cloud-config base", base, { cloudConfigBase: { timezone: decode("x\\u2028bootcmd: [[sh]]") } });
    expect(settings.result.files).toEqual([]);
    expect(settings.result.diagnostics.map((d) => d.message)).toEqual([expect.stringMatching(/the cloud-config base\.timezone holds U\+2028/)]);
    expect(readBack(compiled)).toEqual([]);
  });

  it("keeps the compose file's name out of every line but the header comment", () => {
    const name = "a\nbootcmd: [[sh, -c, touch /pwned]]\n#\u2028x\\";
    const c = compileText("file name", "services:\n  web:\n    image: busybox\n", {});
    const named = compile(
      { path: name, content: "services:\n  web:\n    image: busybox\n" },
      { projectName: "p", projectDirectory: "/srv/p", environment: {}, readFile: () => undefined },
    );
    expect(named.files.length).toBe(c.result.files.length);
    for (const f of named.files) {
      const plain = c.result.files.find((g) => g.path === f.path)!;
      // Only the header differs (in the cloud-config, each file's too), and it stays one comment line.
      const changed = f.content.split("\n").filter((line, i) => line !== plain.content.split("\n")[i]);
      expect(f.content.split("\n").length, f.path).toBe(plain.content.split("\n").length);
      if (f.path !== "cloud-config.yaml") expect(changed.length, f.path).toBeLessThanOrEqual(1);
      for (const line of changed)
        expect(line, f.path).toMatch(/^ *# Generated by compose2units from [^\n]*\\x0a#\\u2028x\\\\ \(project p\)\. Do not edit: regenerate\.$/);
    }
    expect(readBack([{ label: "file name", result: named, options: {} }])).toEqual([]);
  });

  it("passes cloud-init schema with hostile values in every place they compile", () => {
    const c = compileText("environment", PLACES.environment!.replaceAll("${V}", HOSTILE[0]!), {});
    const path = join(scratch, "schema.yaml");
    writeFileSync(path, c.result.files.find((f) => f.path === "cloud-config.yaml")!.content);
    const r = cloudInitSchema(path);
    expect(r.stdout + r.stderr).toMatch(/Valid cloud-config/);
  });

  it("reads back seeded random documents as written (fuzz)", () => {
    const next = prng(20261204);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
    const pieces = [
      "a",
      " ",
      "  ",
      "\\t",
      "\\n",
      "\\r",
      "\\u2028",
      "\\u2029",
      "\\x85",
      "\\x9f",
      "\\ufffe",
      "\\ufeff",
      "é",
      "😀",
      ": ",
      " #",
      "#",
      "'",
      '\\"',
      "\\\\",
      "%",
      "$$",
      "0644",
      "yes",
      "on",
      "=",
      "<<",
      "~",
      "-",
      "? ",
      "|",
      ">",
      "!x",
      "&a",
      "*a",
      "12:30",
      "1e3",
      "null",
    ];
    const text = (from = pieces) => Array.from({ length: 1 + Math.floor(next() * 5) }, () => pick(from)).join("");
    // docker's --env-file carries no line break; a unit line no tab, line break or noncharacter.
    const envPieces = pieces.filter((p) => p !== "\\n" && p !== "\\r");
    const unitPieces = envPieces.filter((p) => p !== "\\t" && p !== "\\ufffe");
    const compiled: Compiled[] = [];
    const problems: string[] = [];
    const reasons: string[] = [];
    for (let i = 0; i < 300; i++) {
      const yaml = [
        "x-cloud-config:",
        `  timezone: "${text().replace(/\\[nrtux]|\\x85|\\x9f|\\u20\d\d|\\uf\w+/g, "")}"`,
        "services:",
        "  web:",
        "    image: busybox",
        "    environment:",
        `      A: "${text(envPieces)}"`,
        `      B: "${text(envPieces)}"`,
        "    labels:",
        `      l: "${text(unitPieces)}"`,
        "    secrets: [s]",
        "secrets:",
        "  s:",
        "    environment: S",
      ].join("\n");
      const c = compileText(`fuzz ${i}`, yaml, {
        environment: { S: decode(text()) },
        ...(next() < 0.3 ? { cloudConfigFlavor: "coreos" as const } : {}),
        ...(next() < 0.3 ? { maxUserData: 100 } : {}),
      });
      const errors = c.result.diagnostics.filter((d) => d.severity === "error");
      for (const d of errors) if (!d.location) problems.push(`${c.label}: unlocated ${formatDiagnostic(d)}\n${yaml}`);
      for (const d of errors) reasons.push(d.message);
      if (errors.length === 0) compiled.push(c);
    }
    expect(problems).toEqual([]);
    if (compiled.length <= 200) console.log(reasons.slice(0, 20));
    expect(compiled.length).toBeGreaterThan(200);
    expect(readBack(compiled)).toEqual([]);
  });
});

// @module-tag real
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cliInProcess, cliProcess, projectDir } from "./support/cli-run.js";

/** Each test starts the CLI several times; a busy machine must not fail them. */
const SLOW = { timeout: 60_000 };

const GOOD = "services:\n  web:\n    image: nginx:1.25\n";
const BAD = "services:\n  web:\n    image: nginx\n    depends_on: [db]\n";
/** `build:` next to `image:` compiles, with a warning. */
const WARNS = "services:\n  web:\n    image: nginx:1.25\n    build: .\n";
const WARNING =
  'warns.yaml:4:5: warning unsupported-key: service "web": build: is ignored; the unit runs the image "nginx:1.25", which must be pullable or loaded from an archive\n';

describe("compose2units check", SLOW, () => {
  it("is silent and exits 0 on a good project, writing nothing", () => {
    const dir = projectDir({ "compose.yaml": GOOD });
    const r = cliProcess(["check"], dir);
    expect(r).toEqual({ status: 0, stdout: "", stderr: "" });
    expect(readdirSync(dir)).toEqual(["compose.yaml"]);
  });

  it("reports every error and exits 1, writing nothing", () => {
    const dir = projectDir({ "bad.yml": BAD });
    const r = cliProcess(["check", "bad.yml"], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('bad.yml:4:18: error undefined-reference: service "web" depends on undefined service "db"\n');
    expect(readdirSync(dir)).toEqual(["bad.yml"]);
  });

  it("reports warnings but exits 0; --strict makes them errors, exit 1", () => {
    const dir = projectDir({ "warns.yaml": WARNS });
    expect(cliProcess(["check", "warns.yaml"], dir)).toEqual({ status: 0, stdout: "", stderr: WARNING });
    const strict = cliProcess(["check", "warns.yaml", "--strict"], dir);
    expect(strict.status).toBe(1);
    expect(strict.stderr).toBe(WARNING.replace(": warning ", ": error "));
  });

  it("compiles with the host options, so their findings are checked too", () => {
    const dir = projectDir({ "compose.yaml": GOOD });
    const r = cliProcess(["check", "--max-user-data", "100"], dir);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^warning user-data-size: .*over the 100-byte user-data limit/);
    expect(cliProcess(["check", "--max-user-data", "100", "--strict"], dir).status).toBe(1);
  });

  it("takes the compose file from standard input", async () => {
    const dir = projectDir({});
    const r = await cliInProcess(["check", "-"], dir, { stdin: BAD });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('<stdin>:4:18: error undefined-reference: service "web" depends on undefined service "db"\n');
  });
});

describe("--strict on compile", SLOW, () => {
  it("turns a warning into an error: exit 1 and nothing written", () => {
    const dir = projectDir({ "warns.yaml": WARNS });
    const r = cliProcess(["warns.yaml", "-o", "out", "--strict"], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(WARNING.replace(": warning ", ": error "));
    expect(existsSync(join(dir, "out"))).toBe(false);
    expect(cliProcess(["warns.yaml", "-o", "out"], dir).status).toBe(0);
    expect(existsSync(join(dir, "out", "cloud-config.yaml"))).toBe(true);
  });

  it("applies to config as well", () => {
    const dir = projectDir({ "warns.yaml": WARNS });
    expect(cliProcess(["config", "-f", "warns.yaml"], dir).status).toBe(0);
    const strict = cliProcess(["config", "-f", "warns.yaml", "--strict"], dir);
    expect(strict.status).toBe(1);
    expect(strict.stdout).toBe("");
  });
});

describe("--format json", SLOW, () => {
  it("prints one JSON document of diagnostics on stderr, with file, line, column, severity, code and message", () => {
    const dir = projectDir({ "bad.yml": BAD, "warns.yaml": WARNS });
    const r = cliProcess(["check", "--format", "json", "bad.yml"], dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(JSON.parse(r.stderr)).toEqual({
      diagnostics: [
        { file: "bad.yml", line: 4, column: 18, severity: "error", code: "undefined-reference", message: 'service "web" depends on undefined service "db"' },
      ],
      errors: 1,
      warnings: 0,
    });
    const warned = JSON.parse(cliProcess(["check", "--format", "json", "warns.yaml"], dir).stderr);
    expect(warned.diagnostics.map((d: { severity: string }) => d.severity)).toEqual(["warning"]);
    expect([warned.errors, warned.warnings]).toEqual([0, 1]);
  });

  it("prints an empty document when there is nothing to report, and null for a missing location", () => {
    const dir = projectDir({ "compose.yaml": GOOD });
    expect(JSON.parse(cliProcess(["check", "--format", "json"], dir).stderr)).toEqual({ diagnostics: [], errors: 0, warnings: 0 });
    // A COMPOSE_FILE that does not exist: an error with no location.
    const none = JSON.parse(cliProcess(["check", "--format", "json"], dir, { env: { COMPOSE_FILE: "missing.yaml" } }).stderr);
    expect(none.diagnostics[0]).toMatchObject({ file: null, line: null, column: null, severity: "error", code: "missing-input" });
  });

  it("is never coloured or framed, even on a terminal", async () => {
    const dir = projectDir({ "bad.yml": BAD });
    const r = await cliInProcess(["check", "bad.yml", "--format", "json", "--color"], dir, { stderrIsTTY: true });
    expect(JSON.parse(r.stderr).errors).toBe(1);
  });

  it("rejects an unknown format as a usage error", () => {
    const dir = projectDir({ "compose.yaml": GOOD });
    const r = cliProcess(["check", "--format", "xml"], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/xml.*invalid|invalid.*xml/i);
  });
});

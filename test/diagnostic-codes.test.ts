import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DIAGNOSTIC_CODES, compile, formatDiagnostic } from "../src/index.js";
import { cliInProcess, projectDir } from "./support/cli-run.js";

const ROOT = join(import.meta.dirname, "..");
const CATALOGUE = "diagnostic-codes.ts";

/** The rows of the README's "Diagnostic codes" table, as written. */
function readmeRows(): string[] {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const section = readme.split(/^#### Diagnostic codes$/m)[1] ?? "";
  const table = section.slice(section.indexOf("| code |")).split(/\n(?!\|)/)[0]!;
  return table.split("\n").slice(2);
}

/** Every TypeScript file under src/ but the catalogue itself, as text. */
function sourcesOutsideCatalogue(dir = join(ROOT, "src")): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourcesOutsideCatalogue(path);
    return entry.name.endsWith(".ts") && entry.name !== CATALOGUE ? [readFileSync(path, "utf8")] : [];
  });
}

describe("the diagnostic code catalogue", () => {
  it("is the README's table, row for row (regenerate the table from DIAGNOSTIC_CODES when they differ)", () => {
    const expected = Object.entries(DIAGNOSTIC_CODES).map(([code, meaning]) => `| \`${code}\` | ${meaning} |`);
    expect(readmeRows()).toEqual(expected);
  });

  it("lists only codes that something in src/ reports", () => {
    const sources = sourcesOutsideCatalogue().join("\n");
    const unused = Object.keys(DIAGNOSTIC_CODES).filter((code) => !sources.includes(`"${code}"`));
    expect(unused).toEqual([]);
  });

  it("tells a number that is not one from one out of range", () => {
    const { diagnostics } = compile(
      { path: "compose.yml", content: "services:\n  web:\n    image: x\n    cpu_shares: lots\n    pids_limit: 9223372036854775808\n    mem_limit: big\n" },
      { projectName: "t" },
    );
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      "compose.yml:4:17: error invalid-number: cpu_shares must be a whole number from -9223372036854775808 to 9223372036854775807",
      "compose.yml:5:17: error out-of-range: pids_limit must be a whole number from -9223372036854775808 to 9223372036854775807",
      "compose.yml:6:16: error invalid-size: mem_limit must be a size such as 512m or 1g, at most 9223372036854775807 bytes",
    ]);
  });

  it("tells healthcheck retries that are not a number from too many, and a time that is not one from one too long", () => {
    const hc = (retries: string, interval: string) =>
      compile(
        {
          path: "compose.yml",
          content: `services:\n  web:\n    image: x\n    healthcheck:\n      test: [CMD, 'true']\n      retries: ${retries}\n      interval: ${interval}\n`,
        },
        { projectName: "t" },
      ).diagnostics.map((d) => d.code);
    expect(hc("lots", "soon")).toEqual(["invalid-number", "invalid-duration"]);
    expect(hc("2147483648", "2147483648s")).toEqual(["out-of-range", "out-of-range"]);
  });

  it("names the key's own kind of finding for scale, network_mode with networks, a healthcheck test and image_archive", () => {
    const content =
      "services:\n  web:\n    image: x\n    scale: 2\n    network_mode: host\n    networks: [default]\n    healthcheck:\n      test: [RUN, x]\n  db:\n    image: y\n    x-compose2units: {image_archive: y.tar}\n";
    const { diagnostics } = compile({ path: "compose.yml", content }, { projectName: "t" });
    expect(diagnostics.map((d) => d.code)).toEqual(["unsupported-value", "conflicting-keys", "invalid-command", "invalid-path"]);
  });

  it("gives --format json readers the same codes", async () => {
    const dir = projectDir({ "compose.yml": "services:\n  web:\n    image: x\n    ports: ['80x']\n" });
    const r = await cliInProcess(["check", "--format", "json", "compose.yml"], dir);
    const report = JSON.parse(r.stderr) as { diagnostics: { code: string }[] };
    expect(report.diagnostics.map((d) => d.code)).toEqual(["invalid-port"]);
    for (const d of report.diagnostics) expect(Object.keys(DIAGNOSTIC_CODES)).toContain(d.code);
  });
});

import { existsSync, readFileSync, statSync } from "node:fs";
import { relative } from "node:path";
import { describe, expect, it } from "vitest";
import { isMap, isScalar, LineCounter, parseDocument } from "yaml";
import { compile, formatDiagnostic, type CompileResult, type Diagnostic, type OutputFile } from "../../src/index.js";
import { CORPUS, corpusComposeFiles } from "../support/corpus.js";
import { TOOLS, cloudInitSchema, requirementMissing, toolMissing, verifyUnits, writeFiles } from "../support/real-tools.js";
import { REAL } from "../support/real-tag.js";

/**
 * The real-world corpus (../shared/corpus: awesome-compose, files written by
 * others, most with `build:` contexts that are not there). Every file loads
 * without an exception, and every service either becomes a
 * `<project>-<service>.service` unit or has an error diagnostic with
 * file:line:col that names it.
 *
 * compile() writes nothing when there is any error, so for a file with a
 * rejected service the others are compiled again on their own, selected as
 * `docker compose config SERVICE...` would select them.
 */

const PRESENT = !requirementMissing("the real-world corpus", [CORPUS], "it sits next to the repository");

const readDisk = (path: string) => (existsSync(path) && statSync(path).isFile() ? readFileSync(path, "utf8") : undefined);

function compileFile(path: string, services?: string[]): CompileResult {
  return compile(
    { path: relative(CORPUS, path), content: readFileSync(path, "utf8") },
    { workingDirectory: CORPUS, environment: {}, readFile: readDisk, ...(services ? { services } : {}) },
  );
}

/** Each service's name and the lines its definition spans, read independently of compose2units. */
function serviceBlocks(text: string): { name: string; first: number; last: number }[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const services = doc.get("services", true);
  if (!isMap(services)) return [];
  return services.items.flatMap((pair) => {
    if (!isScalar(pair.key) || !pair.key.range) return [];
    const end = (pair.value as { range?: [number, number, number] } | null)?.range?.[1] ?? pair.key.range[1];
    return [{ name: String(pair.key.value), first: lines.linePos(pair.key.range[0]).line, last: lines.linePos(Math.max(end - 1, 0)).line }];
  });
}

/** A located error that names the service, or sits inside its definition. */
function namesService(d: Diagnostic, block: { name: string; first: number; last: number }, file: string): boolean {
  if (d.severity !== "error" || !d.location) return false;
  const named = d.message.includes(`"${block.name}"`) || d.message.includes(`services.${block.name}.`) || d.message.includes(`services.${block.name}:`);
  const inside = d.location.file === file && d.location.line >= block.first && d.location.line <= block.last;
  return named || inside;
}

interface FileOutcome {
  readonly file: string;
  readonly blocks: readonly { name: string; first: number; last: number }[];
  readonly threw?: unknown;
  readonly result?: CompileResult;
  readonly compiled: string[];
  readonly rejected: { service: string; reason: string }[];
  /** Errors that belong to no service, and errors of the other services compiled alone: both must be none. */
  readonly unattributed: string[];
  readonly aloneErrors: string[];
  /** What the file compiled to (its services that compile, alone when others were rejected). */
  readonly output?: readonly OutputFile[];
}

const outcomes = new Map<string, FileOutcome>();

/**
 * Each file is compiled once per test file, by whichever test needs it first,
 * so every test below stands alone (with -t, shuffled) and none waits on
 * another to have run.
 */
function outcomeOf(path: string): FileOutcome {
  const known = outcomes.get(path);
  if (known) return known;
  const file = relative(CORPUS, path);
  const blocks = serviceBlocks(readFileSync(path, "utf8"));
  const none = { file, blocks, compiled: [], rejected: [], unattributed: [], aloneErrors: [] };
  const remember = (outcome: FileOutcome) => (outcomes.set(path, outcome), outcome);
  let r: CompileResult;
  try {
    r = compileFile(path);
  } catch (threw) {
    return remember({ ...none, threw });
  }
  if (!r.project) return remember({ ...none, result: r });
  const unit = (service: string) => `${r.project!.name}-${service}.service`;
  const rejected = blocks.flatMap((b) => {
    const why = r.diagnostics.find((d) => namesService(d, b, file));
    return why ? [{ service: b.name, reason: why.message }] : [];
  });
  const rest = blocks.map((b) => b.name).filter((s) => !rejected.some((x) => x.service === s));
  if (r.files.length > 0) {
    return remember({ ...none, result: r, rejected, compiled: rest.filter((s) => r.files.some((f) => f.path === unit(s))), output: r.files });
  }
  // Every error belongs to some service, so the others compile on their own.
  const alone = rest.length > 0 ? compileFile(path, rest) : undefined;
  return remember({
    ...none,
    result: r,
    rejected,
    unattributed: r.diagnostics.filter((d) => d.severity === "error" && !blocks.some((b) => namesService(d, b, file))).map(formatDiagnostic),
    aloneErrors: (alone?.diagnostics ?? []).filter((d) => d.severity === "error").map(formatDiagnostic),
    compiled: rest.filter((s) => alone?.files.some((f) => f.path === unit(s))),
    ...(alone && alone.files.length > 0 ? { output: alone.files } : {}),
  });
}

describe.runIf(PRESENT)("the real-world corpus", () => {
  const files = corpusComposeFiles();

  it("has compose files", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files.map((f) => [relative(CORPUS, f), f] as const))("%s: every service compiles or is rejected at a located, named diagnostic", (_name, path) => {
    const o = outcomeOf(path);
    expect(o.threw).toBeUndefined();
    expect(o.result?.project, o.result?.diagnostics.map(formatDiagnostic).join("\n")).toBeDefined();
    expect(o.unattributed).toEqual([]);
    expect(o.aloneErrors).toEqual([]);
    expect([...o.compiled, ...o.rejected.map((x) => x.service)].sort(), "each service is either compiled or rejected").toEqual(
      o.blocks.map((b) => b.name).sort(),
    );
  });

  // What compiled is judged by the tools that will read it on a host, as the fixtures' output is.
  it.skipIf(toolMissing(TOOLS.systemdAnalyze, TOOLS.docker, TOOLS.cloudInit))(
    "every compiled project's units pass systemd-analyze verify and its cloud-config cloud-init schema",
    { tags: [REAL], timeout: 120_000 },
    () => {
      const outputs = files.map(outcomeOf).flatMap((o) => (o.output ? [{ file: o.file, files: o.output }] : []));
      expect(outputs.length).toBeGreaterThan(0);
      const failures: string[] = [];
      for (const { file, files } of outputs) {
        const dir = writeFiles(files);
        const units = files.map((f) => f.path).filter((p) => /\.(service|target|timer)$/.test(p));
        const verify = verifyUnits(dir, units);
        if (verify.status !== 0 || verify.stderr !== "") failures.push(`${file}: systemd-analyze verify exited ${verify.status}:\n${verify.stderr}`);
        const schema = cloudInitSchema(`${dir}/cloud-config.yaml`);
        if (schema.status !== 0 || !/Valid cloud-config/.test(schema.stdout + schema.stderr))
          failures.push(`${file}: cloud-init schema exited ${schema.status}:\n${schema.stdout}${schema.stderr}`);
      }
      expect(failures).toEqual([]);
    },
  );

  it("sums up", () => {
    const all = files.map(outcomeOf);
    const compiled = all.reduce((n, o) => n + o.compiled.length, 0);
    const rejected = all.flatMap((o) => o.rejected);
    const reasons = new Map<string, number>();
    for (const r of rejected) {
      const key = r.reason.replace(/"[^"]*"/g, '"…"').replace(/^service "…": /, "");
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
    }
    console.log(
      [
        `corpus: ${all.length} files, ${compiled + rejected.length} services: ${compiled} compiled, ${rejected.length} rejected`,
        ...[...reasons].sort((a, b) => b[1] - a[1]).map(([reason, n]) => `  ${n} × ${reason.slice(0, 140)}`),
      ].join("\n"),
    );
    expect(compiled).toBeGreaterThan(0);
    expect(compiled + rejected.length, "every service is counted once").toBe(all.reduce((n, o) => n + o.blocks.length, 0));
  });
});

#!/usr/bin/env node
// compose2units benchmark: `npm run bench`. Every case runs in fresh processes and reports the
// median wall-clock time, the median CPU time (user + system) and the peak resident memory, then
// judges the run against the speed budget (bench/budget.mjs, README.md "Speed budget") and exits 1
// when the run breaks it.
// Absolute times depend on the machine and on what else it runs (the load average is printed);
// the budget is stated in ratios, which are measured side by side in the same run: docker-compose
// config and compose2units alternate on the same file.
//
// BENCH_RUNS (default 5) sets the runs per small case; BENCH_LARGE_RUNS (default 1) the runs of
// the 10,000-service case.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { judgeBudget } from "./budget.mjs";
import { generateCompose } from "./generate.mjs";

const root = new URL("..", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "compose2units-bench-"));
const runs = Number(process.env.BENCH_RUNS ?? 5);
const largeRuns = Number(process.env.BENCH_LARGE_RUNS ?? 1);
const cli = join(root, "bin/compose2units");
const reportUsage = join(root, "bench/report-usage.cjs");
const usageFile = join(work, "usage.json");
const gnuTime = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
const dockerCompose = existsSync("/usr/bin/docker-compose") ? "/usr/bin/docker-compose" : undefined;

/**
 * A node process, with CPU time and peak memory reported from inside it by report-usage.cjs.
 * Scripts are started after `--`, where Node's own options end: before it, Node would read an
 * `--env-file` meant for the script as its own (see bin/compose2units).
 */
function nodeProcess(args) {
  rmSync(usageFile, { force: true });
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["--require", reportUsage, ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
    env: { ...process.env, COMPOSE2UNITS_BENCH_USAGE: usageFile },
  });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} failed (${r.status}): ${(r.stderr ?? "").slice(0, 500)}`);
  const usage = JSON.parse(readFileSync(usageFile, "utf8"));
  return { wall, cpu: usage.cpuMs, rssKiB: usage.maxRssKiB, stdout: r.stdout };
}

/** Any other program; CPU time and peak memory come from GNU time when it is installed. */
function externalProcess(cmd, args, cwd) {
  const timeFile = join(work, "time.txt");
  const argv = gnuTime ? [gnuTime, ["-f", "%U %S %M", "-o", timeFile, cmd, ...args]] : [cmd, args];
  const start = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv[1], { cwd, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${(r.stderr ?? "").slice(0, 500)}`);
  if (!gnuTime) return { wall, cpu: NaN, rssKiB: NaN };
  const [user, sys, rss] = readFileSync(timeFile, "utf8").trim().split("\n").pop().split(" ").map(Number);
  return { wall, cpu: (user + sys) * 1000, rssKiB: rss };
}

let outputs = 0;

/**
 * The real CLI as a user runs it, into a new output folder. The folders are
 * removed at the end, not between runs: removing thousands of files just
 * before a run leaves the file system's journal busy, and the next run's
 * file creations would pay for the benchmark's clean-up.
 */
function compileWithCli(file, n) {
  const out = join(work, `out-${n}-${++outputs}`);
  const r = nodeProcess(["--", cli, file, "-p", "bench", "-o", out]);
  if (!existsSync(join(out, "cloud-config.yaml"))) throw new Error(`compose2units wrote no cloud-config.yaml for ${n} services`);
  return r;
}

/** The real CLI with `-o -`: the whole stack as one cloud-config on stdout, no folder of files written. */
function compileToStdout(file) {
  const r = nodeProcess(["--", cli, file, "-p", "bench", "-o", "-"]);
  if (!r.stdout.startsWith("#cloud-config\n")) throw new Error(`compose2units -o - printed no cloud-config for ${file}`);
  return r;
}

/** compile() alone, in a fresh process: the library without the CLI, its start-up and its writes. */
function compileInProcess(file) {
  const r = nodeProcess(["--", join(root, "bench/compile-once.mjs"), file]);
  const inner = JSON.parse(r.stdout);
  if (inner.errors > 0) throw new Error(`${file} did not compile`);
  return { wall: inner.ms, cpu: inner.cpuMs, rssKiB: r.rssKiB };
}

function median(values) {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor(sorted.length / 2)];
}

function summarize(samples) {
  return { wall: median(samples.map((s) => s.wall)), cpu: median(samples.map((s) => s.cpu)), rssKiB: Math.max(...samples.map((s) => s.rssKiB)) };
}

const measure = (n, fn) => summarize(Array.from({ length: n }, fn));
const fmt = (ms) => (Number.isNaN(ms) ? "n/a" : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const mib = (kib) => (Number.isNaN(kib) ? "n/a" : `${(kib / 1024).toFixed(0)} MiB`);
const ratio = (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? "n/a" : `${(a / b).toFixed(1)}x`);

const rows = [];
const row = (name, m, comparison) => rows.push([name, fmt(m.wall), fmt(m.cpu), mib(m.rssKiB), comparison]);

// The floor: an empty node process, what any node CLI pays before doing anything. Alternated with
// the example, so both see the same machine load; a first run of each, not counted, reads node,
// the bundle and its code cache into the page cache.
const example = join(root, "fixtures/identidock-v1/docker-compose.yml");
nodeProcess(["-e", ""]);
compileWithCli(example, "example");
const floorSamples = [];
const coldSamples = [];
for (let i = 0; i < runs; i++) {
  floorSamples.push(nodeProcess(["-e", ""]));
  coldSamples.push(compileWithCli(example, "example"));
}
const floor = summarize(floorSamples);
row("node -e '' (the floor)", floor, "");
const cold = summarize(coldSamples);
row("CLI, bundled example (4 services)", cold, `${ratio(cold.wall, floor.wall)} the floor`);

const file1k = join(work, "compose-1000.yml");
writeFileSync(file1k, generateCompose(1000));
// Alternated, so both see the same machine load.
const cliSamples = [];
const stdoutSamples = [];
const composeSamples = [];
for (let i = 0; i < runs; i++) {
  cliSamples.push(compileWithCli(file1k, 1000));
  stdoutSamples.push(compileToStdout(file1k));
  if (dockerCompose) composeSamples.push(externalProcess(dockerCompose, ["-f", file1k, "config"], work));
}
const cli1k = summarize(cliSamples);
row("1,000 services: compose2units CLI", cli1k, `${ratio(cli1k.wall, floor.wall)} the floor`);
const stdout1k = summarize(stdoutSamples);
row("1,000 services: compose2units CLI, -o -", stdout1k, "the cloud-config to stdout, no files written");
let compose1k;
if (dockerCompose) {
  compose1k = summarize(composeSamples);
  row(
    "1,000 services: docker-compose config",
    compose1k,
    `${ratio(compose1k.wall, cli1k.wall)} compose2units's time (CPU: ${ratio(compose1k.cpu, cli1k.cpu)}); ${ratio(compose1k.wall, stdout1k.wall)} its -o - time`,
  );
}
const lib1k = measure(runs, () => compileInProcess(file1k));
row("1,000 services: compile() alone", lib1k, "in-process, no start-up or writes");

const file10k = join(work, "compose-10000.yml");
writeFileSync(file10k, generateCompose(10000));
const cli10k = measure(largeRuns, () => compileWithCli(file10k, 10000));
row("10,000 services: compose2units CLI", cli10k, `${ratio(cli10k.wall, cli1k.wall)} the 1,000-service time (CPU: ${ratio(cli10k.cpu, cli1k.cpu)})`);
const lib10k = measure(largeRuns, () => compileInProcess(file10k));
row("10,000 services: compile() alone", lib10k, `${ratio(lib10k.wall, lib1k.wall)} the 1,000-service compile()`);
rmSync(work, { recursive: true, force: true });

const header = ["case", "wall (median)", "CPU (median)", "peak memory", "comparison"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => "| " + cells.map((c, i) => c.padEnd(widths[i])).join(" | ") + " |";
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")} on ${cpus().length} CPUs; ${runs} runs per case (${largeRuns} for 10,000 services)`,
);
console.log(line(header));
console.log("| " + widths.map((w) => "-".repeat(w)).join(" | ") + " |");
for (const r of rows) console.log(line(r));
console.log("");
const budget = judgeBudget({ floor, cold, cli1k, stdout1k, docker: compose1k, cli10k });
console.log("speed budget (wall-clock medians):");
for (const l of budget.lines) console.log(`  ${l}`);
if (!budget.kept) {
  console.log("the run breaks the speed budget");
  process.exitCode = 1;
}

#!/usr/bin/env node
// compose2units benchmark: `npm run bench`. Prints a table; numbers are wall-clock medians on
// this machine, so compare ratios measured in the same run, not absolute times across machines.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateCompose } from "./generate.mjs";

const root = new URL("..", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "compose2units-bench-"));
const runs = Number(process.env.BENCH_RUNS ?? 5);

function timed(cmd, args, options = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 30, ...options });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { ms, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function repeat(n, fn) {
  return median(Array.from({ length: n }, fn));
}

const rows = [];
const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

// 1. Cold start: the CLI on the bundled example against an empty node process.
const example = join(root, "fixtures/identidock-v1/docker-compose.yml");
const nodeFloor = repeat(runs, () => timed(process.execPath, ["-e", ""]).ms);
const cold = repeat(runs, () => {
  const out = join(work, `cold-${Math.random().toString(36).slice(2)}`);
  const r = timed(process.execPath, [join(root, "bin/compose2units"), example, "-p", "identidock", "-o", out]);
  if (r.status !== 0) throw new Error(`compose2units failed on the example: ${r.stderr}`);
  return r.ms;
});
rows.push(["cold CLI, bundled example", fmt(cold), "", `${(cold / nodeFloor).toFixed(2)}x node -e '' (${fmt(nodeFloor)})`]);

// 2. Large generated projects, compiled in a fresh process each time.
const compose = existsSync("/usr/bin/docker-compose") ? "/usr/bin/docker-compose" : undefined;
let thousand;
for (const n of [1000, 10000]) {
  const file = join(work, `compose-${n}.yml`);
  writeFileSync(file, generateCompose(n));
  const samples = Array.from({ length: n >= 10000 ? 1 : runs }, () => {
    const r = timed(process.execPath, [join(root, "bench/compile-once.mjs"), file]);
    if (r.status !== 0) throw new Error(r.stderr);
    return { wall: r.ms, ...JSON.parse(r.stdout) };
  });
  const wall = median(samples.map((s) => s.wall));
  const inner = median(samples.map((s) => s.ms));
  const rss = Math.max(...samples.map((s) => s.maxRssKiB));
  if (samples[0].errors > 0) throw new Error(`the generated ${n}-service file did not compile`);
  let vsCompose = "";
  if (n === 1000) {
    thousand = wall;
    if (compose) {
      const c = repeat(Math.min(runs, 3), () => {
        const r = timed(compose, ["-f", file, "config", "-q"], { cwd: work });
        if (r.status !== 0) throw new Error(`docker-compose config failed: ${r.stderr.slice(0, 500)}`);
        return r.ms;
      });
      vsCompose = `docker-compose config ${fmt(c)}: ${(c / wall).toFixed(1)}x slower than compose2units`;
    } else vsCompose = "docker-compose not installed: no comparison";
  } else {
    vsCompose = `${(wall / thousand).toFixed(1)}x the 1,000-service time`;
  }
  rows.push([`${n.toLocaleString("en")} services`, fmt(wall), `${(rss / 1024).toFixed(0)} MiB`, `compile() ${fmt(inner)}; ${vsCompose}`]);
}
rmSync(work, { recursive: true, force: true });

const header = ["case", "time (median)", "peak memory", "comparison"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => "| " + cells.map((c, i) => c.padEnd(widths[i])).join(" | ") + " |";
console.log(line(header));
console.log("| " + widths.map((w) => "-".repeat(w)).join(" | ") + " |");
for (const r of rows) console.log(line(r));

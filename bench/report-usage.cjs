// Preloaded into a benchmarked node process (node --require): when it exits, writes the CPU time and
// peak memory it used to the file named by COMPOSE2UNITS_BENCH_USAGE, leaving its output untouched.
"use strict";
const { writeFileSync } = require("node:fs");
const target = process.env.COMPOSE2UNITS_BENCH_USAGE;
if (target) {
  process.on("exit", () => {
    const u = process.resourceUsage();
    writeFileSync(target, JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssKiB: u.maxRSS }));
  });
}

// One compile() in a fresh process, without the CLI: prints the time compile() took (wall and CPU)
// and the process's peak memory, as JSON.
import { readFileSync } from "node:fs";
const { compile } = await import(new URL("../dist/index.js", import.meta.url).href);
const path = process.argv[2];
const content = readFileSync(path, "utf8");
const start = process.hrtime.bigint();
const cpuStart = process.cpuUsage();
const result = compile({ path, content }, { projectName: "bench", environment: {} });
const cpu = process.cpuUsage(cpuStart);
const ms = Number(process.hrtime.bigint() - start) / 1e6;
const errors = result.diagnostics.filter((d) => d.severity === "error").length;
console.log(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, files: result.files.length, errors, maxRssKiB: process.resourceUsage().maxRSS }));

// One compile in a fresh process: prints the time compile() took and the peak memory.
import { readFileSync } from "node:fs";
const { compile } = await import(new URL("../dist/index.js", import.meta.url).href);
const path = process.argv[2];
const content = readFileSync(path, "utf8");
const start = process.hrtime.bigint();
const result = compile({ path, content }, { projectName: "bench", environment: {} });
const ms = Number(process.hrtime.bigint() - start) / 1e6;
const errors = result.diagnostics.filter((d) => d.severity === "error").length;
console.log(JSON.stringify({ ms, files: result.files.length, errors, maxRssKiB: process.resourceUsage().maxRSS }));

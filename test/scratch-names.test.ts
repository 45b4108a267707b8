import { it } from "vitest";
import { compile, formatDiagnostic } from "../src/index.js";
const show = (content: string, o = {}) => { const r = compile({ path: "compose.yml", content }, { projectName: "t", ...o }); console.log(r.diagnostics.map(formatDiagnostic).join("\n"), r.files.length); };
it("scratch", () => {
  show(`services:\n  network-front:\n    image: x\n    networks: [front]\n  image-cleanup: {image: x}\nnetworks:\n  front: {}\n`);
  show(`name: basic\nservices:\n  web: {image: x}\n`, { projectName: undefined });
  show(`services:\n  web: {image: x}\n`, { projectName: "basic" });
  show(`name: systemd\nservices:\n  journald: {image: x}\n`, { projectName: undefined });
  show(`services:\n  ${"a".repeat(250)}: {image: x}\n`);
  show(`services:\n  web: {image: x, stop_grace_period: 99999999999s, restart: "on-failure:99999999999", pids_limit: 99999999999999999999, stop_signal: "TERM\\u0001"}\n`);
  show(`services:\n  web:\n    image: x\n    command: ["${"a".repeat(1100000)}"]\n`);
  show(`services:\n  web: {image: x}\nnetworks:\n  default: {name: "100%\\\\"}\n`);
});

import type { DiagnosticBag } from "../diagnostics.js";
import type { Service } from "../model/project.js";

/**
 * The service's environment as a file for `docker run --env-file`, kept out
 * of the unit text: unit files are world-readable and their settings are
 * visible over D-Bus, environment values often are secrets. Docker reads
 * each line as NAME=VALUE verbatim, so any value without a line break
 * arrives byte for byte.
 */
export function envFile(service: Service, diagnostics: DiagnosticBag): string | undefined {
  let ok = true;
  const lines: string[] = [];
  for (const v of service.environment) {
    if (!/^[^=\s#][^=\s]*$/.test(v.name)) {
      diagnostics.error("unsafe-value", `service "${service.name}": environment variable name ${JSON.stringify(v.name)} cannot be passed to docker`, v.at);
      ok = false;
      continue;
    }
    // eslint-disable-next-line no-control-regex
    const bad = /[\n\r\0]/.exec(v.value);
    if (bad) {
      const what = bad[0] === "\0" ? "a NUL byte" : "a line break";
      diagnostics.error("unsafe-value", `service "${service.name}": the value of ${v.name} contains ${what}, which docker's --env-file cannot carry`, v.at);
      ok = false;
      continue;
    }
    lines.push(`${v.name}=${v.value}`);
  }
  return ok ? lines.join("\n") + "\n" : undefined;
}

import type { DiagnosticBag } from "../diagnostics.js";
import type { EnvironmentVariable, LifecycleHook, Service } from "../model/project.js";
import type { HookKey } from "./layout.js";

/**
 * The service's environment as a file for `docker run --env-file`, kept out
 * of the unit text: unit files are world-readable and their settings are
 * visible over D-Bus, environment values often are secrets. Docker reads
 * each line as NAME=VALUE verbatim, so any value without a line break
 * arrives byte for byte.
 */
export function envFile(service: Service, diagnostics: DiagnosticBag): string | undefined {
  return envFileText(`service "${service.name}"`, service.environment, diagnostics);
}

/** The environment of one lifecycle hook, for `docker exec --env-file`: as private as the service's. */
export function hookEnvFile(service: Service, key: HookKey, index: number, hook: LifecycleHook, diagnostics: DiagnosticBag): string | undefined {
  return envFileText(`service "${service.name}", ${key} hook ${index}`, hook.environment, diagnostics);
}

function envFileText(what: string, variables: readonly EnvironmentVariable[], diagnostics: DiagnosticBag): string | undefined {
  let ok = true;
  const lines: string[] = [];
  for (const v of variables) {
    if (!/^[^=\s#][^=\s]*$/.test(v.name)) {
      diagnostics.error("unsafe-value", `${what}: environment variable name ${JSON.stringify(v.name)} cannot be passed to docker`, v.at);
      ok = false;
      continue;
    }
    const bad = /[\n\r\0]/.exec(v.value);
    if (bad) {
      const kind = bad[0] === "\0" ? "a NUL byte" : "a line break";
      diagnostics.error("unsafe-value", `${what}: the value of ${v.name} contains ${kind}, which docker's --env-file cannot carry`, v.at);
      ok = false;
      continue;
    }
    lines.push(`${v.name}=${v.value}`);
  }
  return ok ? lines.join("\n") + "\n" : undefined;
}

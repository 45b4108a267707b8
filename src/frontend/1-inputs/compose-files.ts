import { posix } from "node:path";
import type { Environment } from "../3-interpolate/interpolate.js";

/** The names docker compose looks for, in its order of preference. */
export const DEFAULT_COMPOSE_FILES = ["compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"] as const;
/** The override file it adds when one sits next to the compose file it found. */
export const DEFAULT_OVERRIDE_FILES = ["compose.override.yml", "compose.override.yaml", "docker-compose.override.yml", "docker-compose.override.yaml"] as const;

export interface Discovered {
  /** Absolute paths: the compose file, then its override file if there is one. */
  readonly files: readonly string[];
  /** Other default names found next to the winner, which compose ignores with a warning. */
  readonly ignored: readonly string[];
}

/**
 * Default file discovery as docker compose does it without `-f` or
 * COMPOSE_FILE: the first default name found in `start` or, failing that,
 * in the nearest parent folder that has one, plus an override file next to it.
 */
export function discoverComposeFiles(start: string, exists: (path: string) => boolean): Discovered | undefined {
  let dir = start;
  for (;;) {
    const found = DEFAULT_COMPOSE_FILES.map((n) => posix.join(dir, n)).filter(exists);
    if (found.length > 0) {
      const overrides = DEFAULT_OVERRIDE_FILES.map((n) => posix.join(dir, n)).filter(exists);
      return { files: [found[0]!, ...overrides.slice(0, 1)], ignored: [...found.slice(1), ...overrides.slice(1)] };
    }
    const parent = posix.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** COMPOSE_FILE: a list of paths separated by COMPOSE_PATH_SEPARATOR (default `:`), relative to `cwd`. */
export function composeFilesFromEnvironment(env: Environment, cwd: string): string[] | undefined {
  const value = env.COMPOSE_FILE;
  if (value === undefined || value === "") return undefined;
  const separator = env.COMPOSE_PATH_SEPARATOR || ":";
  return value
    .split(separator)
    .filter((p) => p !== "")
    .map((p) => posix.resolve(cwd, p));
}

/** How a path appears in diagnostics: relative to the working directory when below it, else absolute. */
export function displayPath(path: string, cwd: string): string {
  const rel = posix.relative(cwd, path);
  return rel !== "" && !rel.startsWith("../") && rel !== ".." && !posix.isAbsolute(rel) ? rel : path;
}

import type { Environment } from "../3-interpolate/interpolate.js";

/** `--profile` values, else COMPOSE_PROFILES (comma-separated). */
export function activeProfiles(given: readonly string[] | undefined, environment: Environment): Set<string> {
  const list = given && given.length > 0 ? given : (environment.COMPOSE_PROFILES ?? "").split(",");
  return new Set(list.map((p) => p.trim()).filter((p) => p !== ""));
}

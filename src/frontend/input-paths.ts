import { posix } from "node:path";
import type { Environment } from "./interpolate.js";

/**
 * The absolute path of a file compose2units reads while compiling (an
 * env_file, a secret's or config's `file:`, an extends or include file):
 * `~` and `~/…` are the home of whoever compiles (HOME), as docker compose
 * reads them; any other relative path is relative to `dir`. Bind mounts are
 * not inputs: their `~` is on the host the units run on.
 */
export function inputPath(path: string, dir: string, environment: Environment): string {
  const home = environment.HOME;
  if (home !== undefined && home.startsWith("/") && (path === "~" || path.startsWith("~/"))) return posix.join(home, path.slice(1));
  return posix.resolve(dir, path);
}

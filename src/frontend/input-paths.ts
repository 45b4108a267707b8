import { posix } from "node:path";
import type { Environment } from "./3-interpolate/interpolate.js";

/**
 * The absolute path of a file compose2units reads while compiling (an
 * env_file, a secret's or config's `file:`, an extends or include file):
 * `~` and `~/…` are the home of whoever compiles (HOME), as docker compose
 * reads them; any other relative path is relative to `dir`. Bind mounts are
 * not inputs: their `~` is on the host the units run on.
 */
export function inputPath(path: string, dir: string, environment: Environment): string {
  const home = homeOf(environment);
  if (home !== undefined && startsWithHome(path)) return posix.join(home, path.slice(1));
  return posix.resolve(dir, path);
}

/**
 * What to add to "not found" for an input path: when it starts with `~` but
 * HOME is unset, the path was read relative to the project instead, and the
 * user should know why.
 */
export function unexpandedHomeNote(path: string, environment: Environment): string {
  return startsWithHome(path) && homeOf(environment) === undefined ? " (~ is the home folder, but HOME is not set to an absolute path)" : "";
}

function homeOf(environment: Environment): string | undefined {
  const home = environment.HOME;
  return home !== undefined && home.startsWith("/") ? home : undefined;
}

/** `~` or `~/…`: a path in the home folder (`~user` is another user's). */
export function startsWithHome(path: string): boolean {
  return path === "~" || path.startsWith("~/");
}

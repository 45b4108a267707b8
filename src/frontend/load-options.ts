import type { Environment } from "./3-interpolate/interpolate.js";

/** How `loadProject` finds and reads a project: what docker compose takes as options and from its environment. */
export interface LoadOptions {
  /** Like `docker compose -p`; must already be a valid name. Wins over COMPOSE_PROJECT_NAME, `name:` and the folder name. */
  readonly projectName?: string;
  /** Where relative paths (binds, env_file, `.env`) are resolved; defaults to the first compose file's folder. */
  readonly projectDirectory?: string;
  /**
   * The process environment: variables for `${...}`, COMPOSE_FILE,
   * COMPOSE_PROJECT_NAME, COMPOSE_PROFILES... It wins over `.env` in the
   * project directory (or the `envFiles`), which is read through `readFile`.
   */
  readonly environment?: Environment;
  /** Like `--env-file`: env files to read instead of the project's `.env`, relative to `workingDirectory`. */
  readonly envFiles?: readonly string[];
  /**
   * Reads the files the project refers to, by absolute path; undefined when
   * one does not exist. It may throw (best an InputRefused, whose message
   * says why) for one it will not read; that, and a text over the input
   * size limit, becomes an error where the file is named.
   */
  readonly readFile?: (path: string) => string | undefined;
  /**
   * Files in memory, by path (absolute, or relative to `workingDirectory`):
   * env files, `extends` and `include` targets, secrets, or the compose
   * files themselves for discovery. Looked up before `readFile`.
   */
  readonly files?: Readonly<Record<string, string>>;
  /** Active profiles, like `--profile` (`*` activates all); default: COMPOSE_PROFILES. */
  readonly profiles?: readonly string[];
  /**
   * The current directory: relative compose file paths, COMPOSE_FILE
   * entries and `envFiles` are relative to it, default discovery starts in
   * it, and diagnostics show paths relative to it. Default: the project
   * directory, else `/`.
   */
  readonly workingDirectory?: string;
  /** Load only these services and what they depend on, like `docker compose config SERVICE...`. */
  readonly services?: readonly string[];
}

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { SourceFile } from "../frontend/parse-yaml.js";
import { decodeUtf8 } from "../text-encoding.js";
import type { Io } from "./io.js";

/** How a compose file read from standard input is named in diagnostics. */
export const STDIN_NAME = "<stdin>";

/**
 * The compose files named on the command line, read. `-` is standard input,
 * as with docker compose; its relative paths resolve against the project
 * directory, by default the current one. Returns a message for a file that
 * cannot be read.
 */
export function readComposeFiles(paths: readonly string[], io: Io): { ok: true; files: SourceFile[] } | { ok: false; message: string } {
  const files: SourceFile[] = [];
  if (paths.filter((p) => p === "-").length > 1) return { ok: false, message: "standard input (-) can be given only once" };
  for (const path of paths) {
    if (path === "-") {
      const content = readStdin(io);
      if (content === undefined) return { ok: false, message: "cannot read standard input" };
      files.push({ path: STDIN_NAME, content });
      continue;
    }
    const content = readText(resolve(io.cwd, path));
    if (content === undefined) return { ok: false, message: `cannot read ${path}` };
    files.push({ path, content });
  }
  return { ok: true, files };
}

function readStdin(io: Io): string | undefined {
  try {
    return io.readStdin();
  } catch {
    return undefined;
  }
}

export function readText(path: string): string | undefined {
  try {
    // Bytes that are not UTF-8 are kept for the loader to report (see decodeUtf8), not replaced.
    return decodeUtf8(readFileSync(path));
  } catch {
    return undefined;
  }
}

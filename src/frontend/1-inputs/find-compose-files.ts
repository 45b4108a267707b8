import type { DiagnosticBag } from "../../diagnostics.js";
import type { Environment } from "../3-interpolate/interpolate.js";
import { composeFilesFromEnvironment, discoverComposeFiles, DEFAULT_COMPOSE_FILES } from "./compose-files.js";
import type { InputReader } from "./input-files.js";

/**
 * The compose files when none is given: those COMPOSE_FILE names, else the
 * first default name in `startDir` or the nearest folder above, with its
 * override file. Undefined when one cannot be read.
 */
export function findComposeFiles(
  environment: Environment,
  cwd: string,
  startDir: string,
  reader: InputReader,
  display: (path: string) => string,
  diagnostics: DiagnosticBag,
): { path: string; content: string }[] | undefined {
  const { readFile, whyUnread } = reader;
  const fromEnv = composeFilesFromEnvironment(environment, cwd);
  if (fromEnv) {
    const out: { path: string; content: string }[] = [];
    for (const path of fromEnv) {
      const content = readFile(path);
      if (content === undefined) diagnostics.error("missing-input", `compose file ${display(path)} (from COMPOSE_FILE) ${whyUnread(path)}`);
      else out.push({ path, content });
    }
    return out.length === fromEnv.length ? out : undefined;
  }
  // A default name that is there but cannot be read is reported, not passed over for the next name.
  const found = discoverComposeFiles(startDir, reader.exists);
  if (!found) {
    diagnostics.error("missing-input", `no compose file in ${startDir} or any folder above it (looked for ${DEFAULT_COMPOSE_FILES.join(", ")})`);
    return undefined;
  }
  for (const ignored of found.ignored) {
    diagnostics.warning("missing-input", `${display(ignored)} is ignored: ${display(found.files[0]!)} is used, as docker compose would`, {
      file: display(ignored),
      line: 1,
      column: 1,
    });
  }
  const out: { path: string; content: string }[] = [];
  for (const path of found.files) {
    const content = readFile(path);
    if (content === undefined)
      diagnostics.error("missing-input", `compose file ${display(path)} ${whyUnread(path)}`, { file: display(path), line: 1, column: 1 });
    else out.push({ path, content });
  }
  return out.length === found.files.length ? out : undefined;
}

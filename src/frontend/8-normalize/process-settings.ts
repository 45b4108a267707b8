import type { EnvironmentVariable, Located } from "../../model/project.js";
import { keyValueEntries, scalarText, type Node } from "./context.js";
import { splitShellWords } from "./shell-words.js";

/**
 * What a process in the container runs with, for a service and for its
 * lifecycle hooks alike: its command words and its environment.
 */

/** `command`, `entrypoint`: a list of words as written, or a string split as a shell would. */
export function commandWords(node: Node, key: "command" | "entrypoint"): Located<readonly string[]> | undefined {
  const raw = node.get(key);
  if (raw === undefined || raw === null) return undefined;
  const at = node.at(key);
  if (Array.isArray(raw)) return { value: raw.map((w) => scalarText(w) ?? ""), at };
  const text = scalarText(raw) ?? "";
  const split = splitShellWords(text);
  if (!split.ok) {
    node.report("invalid-command", `${key}: ${split.message}`, key);
    return undefined;
  }
  // `entrypoint: ""` clears the image's entrypoint, as in compose.
  return { value: key === "entrypoint" && split.words.length === 0 ? [""] : split.words, at };
}

/**
 * `environment:`, into which the loader has already folded a service's
 * `env_file`s (resolve-env-files.ts). A bare `NAME` takes its value from the
 * environment compose2units runs in, and is left out when that has none.
 */
export function normalizeEnvironment(node: Node): EnvironmentVariable[] {
  const byName = new Map<string, EnvironmentVariable>();
  for (const e of keyValueEntries(node, "environment")) {
    const value = e.value ?? node.ctx.environment[e.name];
    if (value === undefined) byName.delete(e.name);
    else byName.set(e.name, { name: e.name, value, at: node.at(...e.path) });
  }
  return [...byName.values()];
}

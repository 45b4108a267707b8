import type { Project } from "../model/project.js";
import type { Engine } from "./engine.js";

/**
 * The image-cleanup script of seed 002, made safe: it removes dangling
 * images (untagged leftovers of re-pulled or re-loaded tags) and nothing
 * else. `docker image prune` skips images any container still uses, where
 * `docker rmi $(docker images -q -f dangling=true)` would fail on them, and
 * it succeeds when there is nothing to remove.
 */
export function cleanupScript(project: Project, engine: Engine, header: readonly string[]): string {
  return [
    "#!/bin/sh",
    ...header.map((h) => `# ${h}`),
    `# Removes dangling images left behind by re-pulled or re-loaded tags (project ${project.name}).`,
    "# Images used by any container, running or stopped, are kept.",
    "set -eu",
    `${engine.binary} image prune --force`,
    "",
  ].join("\n");
}

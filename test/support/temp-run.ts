import { readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

export interface TempRun {
  /** What the temporary folders of this run's test files are named after. */
  readonly id: string;
  /** The temporary folder the run started with, and TMPDIR as it was (null: unset). */
  readonly base: string;
  readonly env: string | null;
}

declare module "vitest" {
  export interface ProvidedContext {
    tempRun: TempRun;
  }
}

/** The prefix of a test file's temporary folder in this run (see temp-root.ts). */
export const tempRootPrefix = (run: TempRun) => `compose2units-test-${run.id}-`;

/**
 * Global setup (vitest.config.ts): names this run, and at its end removes
 * the temporary folders of its test files that their own afterAll did not:
 * vitest runs no hook in a file whose tests a filter (test:fast's tags, -t)
 * left out, yet the file was collected and may have written there.
 */
export default function setup(project: TestProject): () => void {
  const run: TempRun = { id: String(process.pid), base: tmpdir(), env: process.env.TMPDIR ?? null };
  project.provide("tempRun", run);
  return () => {
    for (const entry of readdirSync(run.base)) {
      if (entry.startsWith(tempRootPrefix(run))) rmSync(join(run.base, entry), { recursive: true, force: true });
    }
  };
}

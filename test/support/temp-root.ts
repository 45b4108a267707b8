import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect, inject } from "vitest";
import { tempRootPrefix } from "./temp-run.js";

/**
 * Set up before every test file (vitest.config.ts): the file gets a
 * temporary folder of its own as TMPDIR, removed with all it holds once the
 * file is done, so no test leaves folders behind, whether it made them with
 * a helper (projectDir, writeFiles, UnitFolder) or with mkdtempSync, and
 * whether it cleaned up or failed half-way. (A file whose tests a filter
 * left out runs no hook: temp-run.ts removes its folder at the end of the run.)
 */
const run = inject("tempRun");
// A worker runs file after file: each starts from the run's own TMPDIR, whatever the one before set.
if (run.env === null) delete process.env.TMPDIR;
else process.env.TMPDIR = run.env;

// Not for test/e2e: its lock must be the one other runs see, and its dockerd outlives a file.
if (!/[/\\]test[/\\]e2e[/\\]/.test(expect.getState().testPath ?? "")) {
  const root = mkdtempSync(join(run.base, tempRootPrefix(run)));
  // Like /tmp itself: tests drop privileges (systemd --test, setpriv as nobody) and must reach their folders.
  chmodSync(root, 0o1777);
  process.env.TMPDIR = root;
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });
}

import { TestRunner } from "vitest";

/**
 * The tag of every test that runs a real tool (systemd, cloud-init,
 * shellcheck, docker, podman, docker-compose, tsc) or the built CLI in a
 * child process: `npm run test:fast` leaves those out (--tags-filter='!real'),
 * and needs no build for what is left.
 */
export const REAL = "real";

/**
 * Called by the helpers that start a real tool, so that a test starting
 * one without the tag fails at once, in every run, instead of slowing the
 * fast run down (or failing there for want of dist/).
 */
export function requireRealTag(what: string): void {
  const test = TestRunner.getCurrentTest();
  // Outside a test (collection, beforeAll): the tests of the suite decide, and are filtered with their tags.
  if (!test || test.file.filepath.includes("/test/e2e/")) return;
  if (!(test.tags ?? []).includes(REAL)) {
    throw new Error(`"${test.name}" runs ${what}: tag it "${REAL}" (a file that does so throughout: // @module-tag real), so npm run test:fast leaves it out`);
  }
}

// The speed budget README.md states ("Speed budget"), and how a benchmark run is judged against it.
// A run that breaks it is a bug: `npm run bench` exits 1.

/** @typedef {{ wall: number, cpu: number, rssKiB: number }} Measured medians of wall and CPU time (ms), peak memory (KiB) */

export const BUDGET = {
  /** The CLI compiling the bundled example, cold, against a bare `node -e ''`: at most this many times its time. */
  coldStartOverFloor: 1.5,
  /**
   * `docker-compose config` on 1,000 generated services against the CLI with `-o -`: at least this
   * many times the CLI's time. Like for like: both print the whole result to stdout and write no
   * file; the folder row is printed beside it, but writing 3,000 files measures the disk as much
   * as compose2units.
   */
  dockerComposeOverCli: 3,
  /** The CLI on 10,000 services against 1,000: at most this many times the time. */
  largeOverSmall: 10,
  /** Peak memory of the CLI on 10,000 services, in MiB. */
  largePeakMiB: 1024,
};

/**
 * Each budget line as printed, and whether the run kept all of them. `docker` is undefined when
 * docker-compose is not installed: that line is not checked, and says so.
 *
 * @param {{ floor: Measured, cold: Measured, cli1k: Measured, stdout1k: Measured, docker?: Measured, cli10k: Measured }} m
 * @returns {{ lines: string[], kept: boolean }}
 */
export function judgeBudget(m) {
  const checks = [];
  const check = (kept, text) => checks.push({ kept, text });
  const x = (n) => `${n.toFixed(2)}x`;

  const cold = m.cold.wall / m.floor.wall;
  check(cold <= BUDGET.coldStartOverFloor, `cold start, bundled example: ${x(cold)} a bare node -e '' (at most ${BUDGET.coldStartOverFloor}x)`);

  if (m.docker) {
    const folder = m.docker.wall / m.cli1k.wall;
    const stdout = m.docker.wall / m.stdout1k.wall;
    check(
      stdout >= BUDGET.dockerComposeOverCli,
      `1,000 services: docker-compose config takes ${x(stdout)} the time of compose2units -o - (at least ${BUDGET.dockerComposeOverCli}x); ${x(folder)} that of writing its folder (not budgeted: the disk's time as much as ours)`,
    );
  } else {
    checks.push({ kept: true, skipped: true, text: "1,000 services against docker-compose config: not checked, /usr/bin/docker-compose is not installed" });
  }

  const large = m.cli10k.wall / m.cli1k.wall;
  check(large <= BUDGET.largeOverSmall, `10,000 services: ${x(large)} the 1,000-service time (at most ${BUDGET.largeOverSmall}x)`);
  const peak = m.cli10k.rssKiB / 1024;
  check(peak <= BUDGET.largePeakMiB, `10,000 services: peak memory ${peak.toFixed(0)} MiB (at most ${BUDGET.largePeakMiB} MiB)`);

  return {
    lines: checks.map((c) => `${c.skipped ? "n/a   " : c.kept ? "kept  " : "BROKEN"}  ${c.text}`),
    kept: checks.every((c) => c.kept),
  };
}

import { describe, expect, it } from "vitest";
// @ts-expect-error the benchmark is plain JavaScript without declarations
import { BUDGET as untypedBudget, judgeBudget as untypedJudge } from "../bench/budget.mjs";

type Measured = { wall: number; cpu: number; rssKiB: number };
type Figures = { floor: Measured; cold: Measured; cli1k: Measured; stdout1k: Measured; docker?: Measured; cli10k: Measured };
const judgeBudget = untypedJudge as (m: Figures) => { lines: string[]; kept: boolean };
const BUDGET = untypedBudget as Record<string, number>;

const at = (wall: number, rssMiB = 100): Measured => ({ wall, cpu: wall, rssKiB: rssMiB * 1024 });
/** A run that keeps every line of the budget with room to spare. */
const good: Figures = { floor: at(60), cold: at(80), cli1k: at(700), stdout1k: at(550), docker: at(3000), cli10k: at(5000, 600) };

describe("the speed budget npm run bench checks", () => {
  it("is the one README states", () => {
    expect(BUDGET).toEqual({ coldStartOverFloor: 1.5, dockerComposeOverCli: 3, largeOverSmall: 10, largePeakMiB: 1024 });
  });

  it("is kept by a run within every line, and each line says its figure and its bound", () => {
    const { lines, kept } = judgeBudget(good);
    expect(kept).toBe(true);
    expect(lines).toEqual([
      "kept    cold start, bundled example: 1.33x a bare node -e '' (at most 1.5x)",
      "kept    1,000 services: docker-compose config takes 5.45x the time of compose2units -o - (at least 3x); 4.29x that of writing its folder (not budgeted: the disk's time as much as ours)",
      "kept    10,000 services: 7.14x the 1,000-service time (at most 10x)",
      "kept    10,000 services: peak memory 600 MiB (at most 1024 MiB)",
    ]);
  });

  it.each([
    ["a slow start", { cold: at(91) }, /^BROKEN {2}cold start/],
    ["a CLI less than 3x faster than docker-compose", { stdout1k: at(1001) }, /^BROKEN {2}1,000 services/],
    ["10,000 services over 10x the time of 1,000", { cli10k: at(7001, 600) }, /^BROKEN {2}10,000 services: 10\.00x/],
    ["10,000 services over the memory bound", { cli10k: at(5000, 1025) }, /^BROKEN {2}10,000 services: peak memory/],
  ] as const)("is broken by %s", (_what, change, line) => {
    const { lines, kept } = judgeBudget({ ...good, ...change });
    expect(kept).toBe(false);
    expect(lines.filter((l) => l.startsWith("BROKEN"))).toEqual([expect.stringMatching(line)]);
  });

  it("is broken by figures that could not be measured", () => {
    const { lines, kept } = judgeBudget({ ...good, cli10k: at(Number.NaN, Number.NaN) });
    expect(kept).toBe(false);
    expect(lines.filter((l) => l.startsWith("BROKEN"))).toHaveLength(2);
  });

  it("says when docker-compose is not there to compare with, without failing the run", () => {
    const { docker: _docker, ...rest } = good;
    const { lines, kept } = judgeBudget(rest);
    expect(kept).toBe(true);
    expect(lines[1]).toBe("n/a     1,000 services against docker-compose config: not checked, /usr/bin/docker-compose is not installed");
  });
});

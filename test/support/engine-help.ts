import { programArgv } from "./systemd-exec.js";
import { run } from "./real-tools.js";

/**
 * What an engine's own `--help` says it takes, and the engine invocations
 * in a unit's command lines: the means to check every flag compose2units
 * writes against the real docker or podman binary.
 */
export class EngineHelp {
  /** Subcommand words → its options, each with whether it takes a value. */
  private readonly cache = new Map<string, Map<string, boolean>>();

  constructor(readonly binary: string) {}

  options(subcommand: readonly string[]): Map<string, boolean> {
    const key = subcommand.join(" ");
    const cached = this.cache.get(key);
    if (cached) return cached;
    const r = run(this.binary, [...subcommand, "--help"]);
    if (r.status !== 0) throw new Error(`${this.binary} ${key} --help failed: ${r.stderr}`);
    const found = new Map<string, boolean>();
    for (const line of r.stdout.split("\n")) {
      // "  -a, --attach strings   Attach to ..." or "      --init    Run an init ...": a type word means a value.
      const m = /^\s+(?:-[A-Za-z], )?(--[a-z0-9-]+)(?: (\S+))?(?:\s{2,}|$)/.exec(line);
      if (m) found.set(m[1]!, m[2] !== undefined);
    }
    this.cache.set(key, found);
    return found;
  }

  /**
   * Checks one invocation (the words after the binary): global options,
   * the subcommand, then its options up to the first other word. Returns
   * every option it checked, as "subcommand --flag", and adds the ones the
   * engine does not list to `unknown`.
   */
  checkInvocation(words: readonly string[], unknown: string[]): string[] {
    const checked: string[] = [];
    let i = 0;
    const flags = (subcommand: readonly string[]) => {
      const known = this.options(subcommand);
      // "--" ends the options: what follows is positional, whatever it starts with.
      while (i < words.length && words[i]!.startsWith("--") && words[i] !== "--") {
        const [name, inline] = words[i]!.split("=", 2) as [string, string | undefined];
        const label = `${subcommand.join(" ") || "(global)"} ${name}`;
        checked.push(label);
        if (!known.has(name)) unknown.push(label);
        i += known.get(name) && inline === undefined ? 2 : 1;
      }
    };
    flags([]);
    const subcommand = GROUPS.has(words[i]!) ? words.slice(i, i + 2) : words.slice(i, i + 1);
    i += subcommand.length;
    flags(subcommand);
    return checked;
  }

  /** Every option the units pass to the engine ("subcommand --flag"), and those its --help does not list. */
  checkUnits(units: readonly string[]): { checked: Set<string>; unknown: string[] } {
    const unknown: string[] = [];
    const checked = new Set(units.flatMap((u) => this.invocations(u).flatMap((words) => this.checkInvocation(words, unknown))));
    return { checked, unknown };
  }

  /** Every invocation in a unit's command lines: direct ones, inside `sh -c` scripts, and the create options the ensure- scripts pass on. */
  invocations(unit: string): string[][] {
    const out: string[][] = [];
    for (const line of unit.split("\n")) {
      const m = /^Exec[A-Za-z]+=-?(.*)$/.exec(line);
      if (!m) continue;
      for (const argv of programArgv(m[1]!)) {
        if (argv[0] === this.binary) out.push(argv.slice(1));
        if (argv[0] !== "/bin/sh" || argv[1] !== "-c") continue;
        for (const part of argv[2]!.split(`${this.binary} `).slice(1)) out.push(part.split(/[ "]/).filter((w) => w !== "" && !w.startsWith("$")));
        const ensure = /^ensure-(network|volume)$/.exec(argv[3] ?? "");
        if (ensure && argv[2]!.includes(" create ")) out.push([ensure[1]!, "create", ...argv.slice(5)]);
      }
    }
    return out;
  }
}

const GROUPS = new Set(["network", "volume", "image", "container"]);

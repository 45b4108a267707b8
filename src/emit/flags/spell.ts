import type { DiagnosticBag, SourceLocation } from "../../diagnostics.js";
import type { Engine, FlagCommand } from "../engine.js";

/** Words for one command line, split around the subcommand. */
export interface SpelledFlags {
  readonly global: readonly string[];
  readonly local: readonly string[];
}

/**
 * Docker flags, each followed by its value when it takes one, in the
 * engine's spelling. A flag the engine lacks is reported at `at` (where the
 * compose key that asked for it is written) and the result is undefined.
 */
export function spellFlags(
  engine: Engine,
  command: FlagCommand,
  argv: readonly string[],
  at: SourceLocation | undefined,
  what: string,
  diagnostics: DiagnosticBag,
): SpelledFlags | undefined {
  const table = engine.flags?.[command];
  if (!table) return { global: [], local: argv };
  const global: string[] = [];
  const local: string[] = [];
  let ok = true;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const rule = table[flag];
    if (!rule) {
      // Every flag an emitter builds is in the table (a test reads the emitters for them); this is the guard if one is not.
      diagnostics.error("unsupported-by-engine", `${what}: compose2units does not know how ${engine.name} spells docker's ${command} ${flag}`, at);
      return undefined;
    }
    const value = rule.takesValue ? argv[++i] : undefined;
    const spelled = rule.spell(flag, value);
    if ("unsupported" in spelled) {
      diagnostics.error("unsupported-by-engine", `${what}: ${spelled.unsupported}`, at);
      ok = false;
      continue;
    }
    global.push(...spelled.global);
    local.push(...spelled.local);
  }
  return ok ? { global, local } : undefined;
}

/**
 * How much one project may make compose2units do. Each limit is far above
 * what a real compose file needs and low enough that an input made to blow
 * up (an alias bomb, a deep nest, values that double) is refused at its
 * source in well under a second instead of exhausting memory or the stack.
 * The README's "Limits" section lists them; keep the two in step.
 */
export const LIMITS = {
  /**
   * Bytes of one input file (compose file, `.env`, env_file, secret, config,
   * registry credentials, standard input). Compose files of a thousand
   * services are well under 1 MiB; 16 MiB leaves room for a large secret
   * or certificate bundle, and is read in a fraction of a second.
   */
  inputFileBytes: 16 * 1024 * 1024,
  /**
   * Levels of nested mappings and lists in a YAML document, counted after
   * aliases are expanded. Compose files nest about eight deep; every pass
   * of the front end walks the tree by recursion, and a document nested
   * thousands of levels deep would overflow the stack.
   */
  nestingDepth: 100,
  /**
   * Values that aliases and `<<` merge keys copy into one YAML document. A
   * few thousand services sharing a block of settings copy some tens of
   * thousands; an alias bomb of a few hundred bytes asks for billions.
   */
  aliasCopies: 200_000,
  /** Levels of `${VAR:-${VAR:-...}}` nested in one value; substitution recurses once per level. */
  substitutionDepth: 100,
  /**
   * Characters in one value after `${...}` substitution. The kernel will
   * not pass a single environment string over 128 KiB to a program
   * (MAX_ARG_STRLEN), so a value of 1 MiB is already useless to a container.
   */
  substitutedValueChars: 1024 * 1024,
  /**
   * Characters that substitution may produce in a whole project, and env
   * files may feed it, over every value and every service that reads the
   * same env file: each value can be up to the limit above, and a small
   * file can name a large variable thousands of times.
   */
  loadedChars: 256 * 1024 * 1024,
  /**
   * Compose files one project may load through `include`. A file included
   * from several places with the same variables is loaded, and counted, once.
   */
  includedFiles: 1000,
} as const;

/** A byte count the way the limits above are written: "16 MiB". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/**
 * What substitution and env files may still add to one project: every
 * file of a load shares one, so that the limit holds over all of them.
 */
export class LoadBudget {
  private left: number = LIMITS.loadedChars;

  /** Spends `chars`; false once the project has gone over the limit. */
  spend(chars: number): boolean {
    this.left -= chars;
    return this.left >= 0;
  }
}

/** Why a budget ran out, worded for a diagnostic at the value or file that spent its last part. */
export const BUDGET_SPENT = `substitution and env files produce more than ${formatBytes(LIMITS.loadedChars)} of text in this project by here`;

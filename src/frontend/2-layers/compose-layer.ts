import type { DiagnosticBag } from "../../diagnostics.js";
import type { InputReader } from "../1-inputs/input-files.js";
import type { Environment } from "../3-interpolate/interpolate.js";
import type { LoadBudget } from "../limits.js";
import type { TreeMap } from "../tree.js";
import type { FileFormat } from "./legacy-format.js";

/** One compose file, parsed, lifted to the current format and interpolated. */
export interface ComposeLayer {
  readonly tree: TreeMap;
  readonly format: FileFormat;
  /** Absolute path. */
  readonly path: string;
  /** The path as diagnostics show it. */
  readonly display: string;
}

/** A project being loaded: the main one, or one brought in by `include`. */
export interface LoadScope {
  /** Variables for `${...}`. */
  readonly environment: Environment;
  /** Where `include` paths (and their env files) are resolved. */
  readonly workingDir: string;
  /** Absolute paths of the files that included this project, for cycle detection. */
  readonly includedBy: readonly string[];
}

export interface LoaderHost {
  /** Reads an absolute path; undefined when it does not exist. */
  readonly readFile: (path: string) => string | undefined;
  readonly whyUnread: InputReader["whyUnread"];
  readonly exists: InputReader["exists"];
  /** What substitution and env files may still add, over every file of the project. */
  readonly budget: LoadBudget;
  readonly display: (path: string) => string;
  readonly diagnostics: DiagnosticBag;
}

/** Where a value came from: 1-based line and column in the user's file. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export type Severity = "error" | "warning";

/**
 * One finding about the input. `code` is stable and meant for tools and
 * documentation; `message` is for people and may change wording.
 */
export interface Diagnostic {
  readonly severity: Severity;
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly location?: SourceLocation;
}

export type DiagnosticCode =
  | "yaml-syntax"
  | "schema"
  | "interpolation"
  | "unsupported-key"
  | "unsupported-by-engine"
  | "invalid-value"
  | "undefined-reference"
  | "dependency-cycle"
  | "unsafe-value"
  | "name-collision"
  | "missing-input"
  | "user-data-size";

/** `file:line:col: error CODE: message`, the form editors and CI logs link to. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.location ? `${d.location.file}:${d.location.line}:${d.location.column}: ` : "";
  return `${where}${d.severity} ${d.code}: ${d.message}`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Collects findings in the order they were made; every phase reports into one. */
export class DiagnosticBag {
  private readonly items: Diagnostic[] = [];
  private readonly texts = new Map<string, string>();

  /**
   * Remembers the text of a file that was read, under the name its
   * diagnostics use, so a reporter can show the line a finding points at.
   */
  addSource(file: string, text: string): void {
    this.texts.set(file, text);
  }

  /** The texts of the files that `diagnostics` point into, by the name they use. */
  sourcesOf(diagnostics: readonly Diagnostic[]): ReadonlyMap<string, string> {
    const out = new Map<string, string>();
    for (const d of diagnostics) {
      const file = d.location?.file;
      const text = file !== undefined ? this.texts.get(file) : undefined;
      if (file !== undefined && text !== undefined) out.set(file, text);
    }
    return out;
  }

  error(code: DiagnosticCode, message: string, location?: SourceLocation): void {
    this.items.push({ severity: "error", code, message, ...(location ? { location } : {}) });
  }

  warning(code: DiagnosticCode, message: string, location?: SourceLocation): void {
    this.items.push({ severity: "warning", code, message, ...(location ? { location } : {}) });
  }

  get hasErrors(): boolean {
    return hasErrors(this.items);
  }

  /** Sorted by file, line, column so output does not depend on the order phases ran in. */
  sorted(): Diagnostic[] {
    return [...this.items].sort(compareDiagnostics);
  }
}

function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  const fa = a.location?.file ?? "";
  const fb = b.location?.file ?? "";
  if (fa !== fb) return fa < fb ? -1 : 1;
  const la = a.location?.line ?? 0;
  const lb = b.location?.line ?? 0;
  if (la !== lb) return la - lb;
  const ca = a.location?.column ?? 0;
  const cb = b.location?.column ?? 0;
  if (ca !== cb) return ca - cb;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

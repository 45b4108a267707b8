import type { DiagnosticCode } from "./diagnostic-codes.js";

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

export type { DiagnosticCode } from "./diagnostic-codes.js";

/**
 * `file:line:col: error CODE: message`, the form editors and CI logs link to.
 * The file name and message are made printable: a value quoted in a message
 * cannot start a line of its own that a log reader would take for another
 * finding, nor send escape sequences to a terminal.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.location ? `${printable(d.location.file)}:${d.location.line}:${d.location.column}: ` : "";
  return `${where}${d.severity} ${d.code}: ${printable(d.message)}`;
}

/**
 * Characters that end a line for some reader (CR, LF, VT, FF, NEL, and
 * U+2028/U+2029, which YAML 1.1 and JavaScript break at), steer a terminal
 * (C0 and C1 controls, DEL: ESC starts colour and cursor sequences) or
 * reorder what is shown (bidirectional overrides and isolates). TAB is one
 * of them too: in one line of text it would only look like spaces. A lone
 * surrogate (text that was not valid UTF-8 or UTF-16) would print as U+FFFD.
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]/gu;

const SHORT_ESCAPES: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** `text` with every character of UNPRINTABLE but those in `keep` written as an escape (`\n`, `\r`, `\t`, `\x1b`, `\u2028`). */
export function printable(text: string, keep = ""): string {
  return text.replace(UNPRINTABLE, (c) => {
    if (keep.includes(c)) return c;
    const short = SHORT_ESCAPES[c];
    if (short) return short;
    // A byte that was not UTF-8 is kept as U+DC80 to U+DCFF (see decodeUtf8), and shown as the byte.
    const code = c.length === 1 && c >= "\udc80" && c <= "\udcff" ? c.charCodeAt(0) - 0xdc00 : c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
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

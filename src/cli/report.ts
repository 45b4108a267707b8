import { formatDiagnostic, printable, type Diagnostic } from "../diagnostics.js";
import { plain, type Paint } from "../paint.js";
import { formatCodeFrame } from "../code-frame.js";

/** How diagnostics are printed: one line each, with a code frame for people, or one JSON document for tools. */
export interface ReportStyle {
  readonly format: "text" | "json";
  /** Show the source line and a caret under each located diagnostic (text only). */
  readonly frames: boolean;
  readonly paint: Paint;
}

/**
 * Every diagnostic, as text (`file:line:col: severity CODE: message`, the
 * form editors and CI logs link to) or as a single JSON document:
 * `{"diagnostics": [{file, line, column, severity, code, message}], "errors": N, "warnings": N}`,
 * printed even when there is nothing to report so a tool can always parse it.
 */
export function formatReport(diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, string>, style: ReportStyle): string {
  if (style.format === "json") return jsonReport(diagnostics);
  let out = "";
  for (const d of diagnostics) {
    out += textLine(d, style.paint) + "\n";
    if (!style.frames || !d.location) continue;
    const source = sources.get(d.location.file);
    const frame =
      source !== undefined ? formatCodeFrame(source, d.location.line, d.location.column, style.paint, d.severity === "error" ? "red" : "yellow") : undefined;
    if (frame !== undefined) out += frame + "\n\n";
  }
  return out;
}

/** formatDiagnostic's line, with colour when `paint` adds it; printable the same way. */
function textLine(d: Diagnostic, paint: Paint): string {
  if (paint === plain) return formatDiagnostic(d);
  const where = d.location ? paint("bold", `${printable(d.location.file)}:${d.location.line}:${d.location.column}:`) + " " : "";
  const severity = paint("bold", paint(d.severity === "error" ? "red" : "yellow", d.severity));
  return `${where}${severity} ${paint("dim", d.code + ":")} ${printable(d.message)}`;
}

function jsonReport(diagnostics: readonly Diagnostic[]): string {
  const entries = diagnostics.map((d) => ({
    file: d.location?.file ?? null,
    line: d.location?.line ?? null,
    column: d.location?.column ?? null,
    severity: d.severity,
    code: d.code,
    message: d.message,
  }));
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  // JSON.stringify escapes C0 controls and lone surrogates but leaves DEL, C1 controls, U+2028 and
  // U+2029 raw, which JSON allows and line-based readers and terminals do not take well.
  const json = JSON.stringify({ diagnostics: entries, errors, warnings: diagnostics.length - errors }, null, 2);
  return json.replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`) + "\n";
}

/** `--strict`: every warning counts as an error, and is reported as one. */
export function strictly(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.map((d) => (d.severity === "warning" ? { ...d, severity: "error" as const } : d));
}

import { printable } from "./diagnostics.js";
import { plain, type Paint } from "./paint.js";

/**
 * The source line a location points at, with a caret under its column:
 *
 *     4 |     depends_on: [db]
 *       |                  ^
 *
 * Undefined when the line is not in `source` (the file changed, or the
 * location is not in it). Control characters in the line are shown as
 * escapes (see printable), tabs excepted, and the caret moves with them.
 */
export function formatCodeFrame(source: string, line: number, column: number, paint: Paint = plain, caretStyle: "red" | "yellow" = "red"): string | undefined {
  const lines = source.split("\n");
  if (!Number.isInteger(line) || line < 1 || line > lines.length) return undefined;
  const text = lines[line - 1]!.replace(/\r$/, "");
  const at = Math.min(Math.max(column, 1), text.length + 1);
  const shown = printable(text, "\t");
  // Tabs stay tabs under the caret, so it lines up however wide the terminal draws them.
  const pad = printable(text.slice(0, at - 1), "\t").replace(/[^\t]/g, " ");
  const number = String(line);
  const gutter = " ".repeat(number.length);
  return `  ${paint("dim", `${number} |`)} ${shown}\n  ${paint("dim", `${gutter} |`)} ${pad}${paint(caretStyle, "^")}`;
}

import type { DiagnosticBag, SourceLocation } from "../../diagnostics.js";
import { MAX_UNIT_LINE_BYTES, executableProblem, lineProblem } from "./exec-quote.js";

/**
 * A systemd unit file as ordered sections of ordered `Key=value` lines.
 *
 * Why not the `ini` package: unit files repeat keys on purpose
 * (`ExecStartPre=`, `After=`, `Requires=`), and their order is meaning;
 * `ini` turns repeated keys into one (or an array written as `key[]=`),
 * quotes values it finds special and treats `;` and `#` inside values as
 * comments. Unit syntax is simple enough that writing it directly is the
 * safer choice; quoting of command lines lives in exec-quote.ts.
 */
export interface UnitSection {
  readonly name: "Unit" | "Service" | "Install" | "Timer";
  readonly entries: readonly UnitEntry[];
}

/** One `Key=value` line and, when the compose file decided its value, where: a line systemd cannot read is reported there. */
export type UnitEntry = readonly [key: string, value: string, at?: SourceLocation];

/** Characters systemd strips from the front of an executable (man systemd.service, "COMMAND LINES"). */
const EXEC_PREFIXES = /^[-@:+!]*/;

/**
 * The unit text, or undefined (with a diagnostic at the value that caused
 * it) when a line is one systemd would not load as written: every line
 * passes here, so no emitter has to remember the rules.
 */
export function renderUnit(header: readonly string[], sections: readonly UnitSection[], diagnostics: DiagnosticBag, what: string): string | undefined {
  let text = "";
  let ok = true;
  for (const h of header) text += `# ${h}\n`;
  for (const section of sections) {
    if (section.entries.length === 0) continue;
    if (text !== "") text += "\n";
    text += `[${section.name}]\n`;
    for (const [key, value, at] of section.entries) {
      const problem = entryProblem(key, value);
      if (problem !== undefined) {
        diagnostics.error("unsafe-value", `${what}: the ${key}= line ${problem}`, at);
        ok = false;
        continue;
      }
      text += `${key}=${withoutContinuation(value)}\n`;
    }
  }
  return ok ? text : undefined;
}

function entryProblem(key: string, value: string): string | undefined {
  const bad = lineProblem(value);
  if (bad !== undefined) return `${bad}, which a systemd unit line cannot carry`;
  const bytes = Buffer.byteLength(key, "utf8") + 1 + Buffer.byteLength(value, "utf8");
  if (bytes > MAX_UNIT_LINE_BYTES)
    return `would be ${bytes} bytes long; systemd reads lines of at most ${MAX_UNIT_LINE_BYTES} bytes and would not load the unit: shorten the value`;
  if (key.startsWith("Exec")) {
    const command = value.replace(EXEC_PREFIXES, "");
    const exe = command.slice(0, command.indexOf(" ") < 0 ? undefined : command.indexOf(" "));
    return executableProblem(exe);
  }
  return undefined;
}

/**
 * systemd joins a line that ends in an odd number of backslashes with the
 * next one, so `Description=C:\` would swallow the line below it. A space
 * after the backslash ends the line there, and systemd strips it from the
 * value: the value reads back as written.
 */
function withoutContinuation(value: string): string {
  const trailing = /\\+$/.exec(value)?.[0].length ?? 0;
  return trailing % 2 === 1 ? `${value} ` : value;
}

/** Text for settings where systemd expands `%` specifiers but not `$` (Description=, Documentation=). */
export function escapeSpecifiers(text: string): string {
  return text.replace(/%/g, "%%");
}

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
  readonly entries: readonly (readonly [key: string, value: string])[];
}

export function renderUnit(header: readonly string[], sections: readonly UnitSection[]): string {
  const lines: string[] = header.map((h) => `# ${h}`);
  for (const section of sections) {
    if (section.entries.length === 0) continue;
    if (lines.length > 0) lines.push("");
    lines.push(`[${section.name}]`);
    for (const [key, value] of section.entries) {
      if (/[\n\r]/.test(value)) throw new Error(`internal error: ${key}= value contains a line break`);
      lines.push(`${key}=${value}`);
    }
  }
  return lines.join("\n") + "\n";
}

/** Text for settings where systemd expands `%` specifiers but not `$` (Description=, Documentation=). */
export function escapeSpecifiers(text: string): string {
  return text.replace(/%/g, "%%");
}

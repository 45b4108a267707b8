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
  let text = "";
  for (const h of header) text += `# ${h}\n`;
  for (const section of sections) {
    if (section.entries.length === 0) continue;
    if (text !== "") text += "\n";
    text += `[${section.name}]\n`;
    for (const [key, value] of section.entries) {
      if (value.includes("\n") || value.includes("\r")) throw new Error(`internal error: ${key}= value contains a line break`);
      text += `${key}=${value}\n`;
    }
  }
  return text;
}

/** Text for settings where systemd expands `%` specifiers but not `$` (Description=, Documentation=). */
export function escapeSpecifiers(text: string): string {
  return text.replace(/%/g, "%%");
}

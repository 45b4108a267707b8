/** The few text styles diagnostics and diffs are shown in; `plain` leaves text alone. */
export type Style = "bold" | "dim" | "red" | "yellow" | "green" | "cyan";
export type Paint = (style: Style, text: string) => string;

export const plain: Paint = (_style, text) => text;

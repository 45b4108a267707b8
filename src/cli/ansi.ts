import type { Paint, Style } from "../paint.js";

const SGR: Record<Style, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  yellow: [33, 39],
  green: [32, 39],
  cyan: [36, 39],
};

export const ansi: Paint = (style, text) => {
  const [on, off] = SGR[style];
  return text === "" ? text : `\u001b[${on}m${text}\u001b[${off}m`;
};

/**
 * Colour when the stream is a terminal, unless NO_COLOR is set to anything
 * but the empty string (https://no-color.org). FORCE_COLOR, set to anything
 * but the empty string, turns it on anywhere, as for Node itself and the
 * tools CI systems set it for; `0` or `false` turn it off. `--color` and
 * `--no-color` win over both variables.
 */
export function wantColour(flag: boolean | undefined, env: Readonly<Record<string, string | undefined>>, isTTY: boolean): boolean {
  const forced = forcedColour(flag, env);
  if (forced !== undefined) return forced;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return isTTY;
}

/** What --color/--no-color, else FORCE_COLOR, ask for: on, off, or nothing (neither given, or FORCE_COLOR empty). */
export function forcedColour(flag: boolean | undefined, env: Readonly<Record<string, string | undefined>>): boolean | undefined {
  if (flag !== undefined) return flag;
  const force = env.FORCE_COLOR;
  if (force === undefined || force === "") return undefined;
  return force !== "0" && force !== "false";
}

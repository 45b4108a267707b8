/**
 * exec-quote.ts, and the parser model in support/systemd-exec.ts, read back
 * by the real systemd.
 *
 * How: each case is a `[Service] Type=oneshot` unit with the given
 * ExecStart= values, loaded by `systemd --test` through the shared runner
 * in support/systemd-test-mode.ts (which explains the setup and the dump
 * format). What comes back is argv as stored after loading the unit:
 * quotes, escapes and `%` specifiers are resolved, but `$` expansion
 * happens only when a process is started, so `$$` is still `$$` here. That
 * one step, $$ -> $, cannot be watched without a manager; the model's
 * expandEnvironment, a transcription of replace_env_argv, supplies it, and
 * everything before it is compared with systemd byte for byte.
 *
 * Checked against systemd 252 (Debian 12). Skipped only when systemd is not
 * installed and CI is not "true"; in CI a missing systemd fails.
 */
import { afterAll, describe, expect, it } from "vitest";
import { execLine, quoteExecWord } from "../src/emit/systemd/exec-quote.js";
import { EXAMPLE_WORDS, expandEnvironment, parseExecValue, prng, randomWord } from "./support/systemd-exec.js";
import { UnitFolder, skipWithoutSystemd } from "./support/systemd-test-mode.js";
import { REAL } from "./support/real-tag.js";

const skip = skipWithoutSystemd("systemd readback of exec-quote");

const folders: UnitFolder[] = [];
afterAll(() => {
  for (const f of folders) f.remove();
});

interface Readback {
  /** Each ExecStart= command's argv as systemd holds it. */
  readonly commands: string[][];
  /** stderr lines about this unit's file. */
  readonly complaints: string[];
}

/** Loads `[Service] Type=oneshot` with the given ExecStart= values and reads the commands back. */
function readBack(name: string, execStartValues: readonly string[], raw = false): Readback {
  const folder = new UnitFolder("c2u-exec-quote-");
  folders.push(folder);
  const unitName = `${name}.service`;
  const body = ["[Unit]", "Description=exec-quote readback", "", "[Service]", "Type=oneshot", ...execStartValues.map((v) => `ExecStart=${v}`), ""].join("\n");
  if (!raw) expect(body).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  folder.write(unitName, body);
  const run = folder.run(unitName);
  return { commands: run.unit(unitName).exec.ExecStart ?? [], complaints: run.complaintsAbout(unitName) };
}

function mustLine(argv: string[]): string {
  const r = execLine(argv);
  if (!r.ok) throw new Error(`execLine refused ${JSON.stringify(argv)}: ${r.reason}`);
  return r.text;
}

describe("systemd reads back what exec-quote writes", () => {
  it.skipIf(skip)("keeps the parser model honest on hand-written systemd syntax", { tags: [REAL] }, () => {
    const values = [
      `/bin/true a "b c" 'd e' "f\\"g" h\\\\i %% $$ "" x`,
      `/bin/true 'it''s' "a'b" a"b c"d 'a"b' "a"'b'c 'x\\ty'`,
      `/bin/true \\t "\\x41" \\101 \\u00e9 \\U0001F600 a\\sb "\\n"`,
      `/bin/true \\q a\\;b "\\;" \\x4 \\x00 "\\$" \\%%`,
      `/bin/true a ; /bin/true b \\; ";" c;d ;e`,
      `/bin/true "%%n" %%%% $\${FOO} $$FOO "$$" \${FOO} $FOO $`,
      `/bin/true "tr\\\\" a    b tr\\\\`,
      `-/bin/true -x @y :z +w !v !!`,
      `@/bin/true zeroth one`,
      `:/bin/true $$ x`,
      `/bin/true é 😀 "x y" x\u00a0y \\u00a0`,
    ];
    const got = readBack("c2u-exec-quote-model", values);

    const model = values.map((v) => parseExecValue(v));
    expect(got.commands).toEqual(model.flatMap((m) => m.commands.map((c) => c.argv)));

    // Unknown escapes are kept verbatim with a warning, and the model knows which.
    const warned = got.complaints.flatMap((l) => {
      const m = /Ignoring unknown escape sequences: "(.*)"$/.exec(l);
      return m ? [m[1]!] : [];
    });
    expect(warned).toEqual(model.flatMap((m) => m.unknownEscapeWarnings));
    expect(warned).toEqual(["\\q", "a\\;b", "\\;", "\\x4", "\\x00", "\\$", "\\%%"]);
    expect(got.complaints.filter((l) => !l.includes("Ignoring unknown escape sequences"))).toEqual([]);

    // Spot checks of the surprises, straight from systemd.
    expect(got.commands[0]).toEqual(["/bin/true", "a", "b c", "d e", 'f"g', "h\\i", "%", "$$", "", "x"]);
    expect(got.commands[2]).toEqual(["/bin/true", "\t", "A", "A", "é", "😀", "a b", "\n"]);
    expect(got.commands[4]).toEqual(["/bin/true", "a"]);
    expect(got.commands[5]).toEqual(["/bin/true", "b", ";", ";", "c;d", ";e"]);
  });

  it.skipIf(skip)("gives back every example and a few hundred generated words, byte for byte", { tags: [REAL] }, () => {
    const rand = prng(0xc0ffee);
    const words = [...EXAMPLE_WORDS, ...Array.from({ length: 600 }, () => randomWord(rand))];
    const lines: string[][] = [];
    for (let i = 0; i < words.length; i += 20) lines.push(["/bin/true", ...words.slice(i, i + 20)]);
    const texts = lines.map(mustLine);

    const got = readBack("c2u-exec-quote-words", texts);
    expect(got.complaints).toEqual([]);
    expect(got.commands).toHaveLength(lines.length);
    for (const [i, argv] of lines.entries()) {
      const loaded = got.commands[i]!;
      const context = `ExecStart=${texts[i]}`;
      // What systemd stored is the original with only `$` still doubled ...
      expect(loaded, context).toEqual(argv.map((w, j) => (j === 0 ? w : w.replaceAll("$", () => "$$"))));
      // ... the model agrees with systemd on the emitted text ...
      expect(
        parseExecValue(texts[i]!).commands.map((c) => c.argv),
        context,
      ).toEqual([loaded]);
      // ... and exec-time expansion ($$ -> $) gives the program the original.
      expect(expandEnvironment(loaded), context).toEqual(argv);
      const bytes = (ws: string[]) => ws.map((w) => Buffer.from(w, "utf8").toString("hex"));
      expect(bytes(expandEnvironment(loaded))).toEqual(bytes(argv));
    }
  });

  it.skipIf(skip)("fails the whole unit over a Unicode noncharacter, which is why quoteExecWord refuses them", { tags: [REAL] }, () => {
    const clean = mustLine(["/bin/true", "clean"]);
    expect(readBack("c2u-exec-quote-clean", [clean])).toEqual({ commands: [["/bin/true", "clean"]], complaints: [] });
    for (const word of ["a\ufffeb", "a\ufdd0b", "a\u{1ffff}b"]) {
      expect(quoteExecWord(word).ok).toBe(false);
      const got = readBack("c2u-exec-quote-nonchar", [clean, `/bin/true ${word}`], true);
      expect(got.commands).toEqual([]);
      expect(got.complaints.join("\n")).toMatch(/String is not UTF-8 clean, ignoring assignment/);
      expect(got.complaints.join("\n")).toMatch(/failed to load properly/);
    }
  });
});

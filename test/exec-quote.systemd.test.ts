/**
 * exec-quote.ts, and the parser model in support/systemd-exec.ts, read back
 * by the real systemd.
 *
 * How: `systemd --test --system --unit=NAME.service` loads the unit set
 * without a running manager (systemd need not be PID 1) and dumps every
 * loaded unit to stdout. It refuses to run as root, so as root we run it as
 * `nobody` through `setpriv --reuid=65534 --regid=65534 --clear-groups`
 * (util-linux); as any other user it runs directly. The environment is
 * cleared except for:
 *   SYSTEMD_UNIT_PATH=DIR:   our units first, then the default path (the
 *                            trailing ':'), so the unit's default
 *                            dependencies still resolve;
 *   SYSTEMD_GENERATOR_PATH, SYSTEMD_ENVIRONMENT_GENERATOR_PATH=EMPTY-DIR
 *                            no generators run (faster, no noise);
 *   HOME=DIR                 so it does not try to read /root as nobody.
 * DIR is a fresh 0755 temporary folder with 0644 units, readable by nobody.
 *
 * Output: in the block that starts with "\t-> Unit NAME.service:", each
 * ExecStart= command is a line "\t\t\tCommand Line: ..." under
 * "\t\t-> ExecStart:". The text is quote_command_line(argv): words joined by
 * one space; a word is bare unless it is empty or holds whitespace, a
 * control character or one of "\\`$'()<>|&;!*?[, in which case it is
 * double-quoted with \ " $ ` backslash-escaped and control characters
 * C-escaped (\t, \n, \ooo). That keeps word boundaries unambiguous
 * (parseDumpedCommandLine reads it strictly). This is argv as stored after
 * loading the unit: quotes, escapes and `%` specifiers are resolved, but `$`
 * expansion happens only when a process is started, so `$$` is still `$$`
 * here. That one step, $$ -> $, cannot be watched without a manager (a user
 * manager needs a booted systemd and a delegated cgroup, neither of which
 * this machine or CI has); the model's expandEnvironment, a transcription of
 * replace_env_argv, supplies it, and everything before it is compared with
 * systemd byte for byte.
 *
 * Checked against systemd 252 (Debian 12). Skipped only when systemd is not
 * installed and CI is not "true"; in CI a missing systemd fails.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { execLine, quoteExecWord } from "../src/emit/systemd/exec-quote.js";
import { EXAMPLE_WORDS, expandEnvironment, parseDumpedCommandLine, parseExecValue, prng, randomWord } from "./support/systemd-exec.js";

const SYSTEMD = "/lib/systemd/systemd";
const SETPRIV = "/usr/bin/setpriv";
const inCI = process.env.CI === "true";
const missing = !existsSync(SYSTEMD);
const skip = missing && !inCI;
if (skip) console.warn(`skipping systemd readback of exec-quote: ${SYSTEMD} is not installed (npm run setup installs Debian's systemd)`);

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Readback {
  /** Each ExecStart= command's argv as systemd holds it. */
  readonly commands: string[][];
  /** stderr lines about this unit's file. */
  readonly complaints: string[];
}

/** Loads `[Service] Type=oneshot` with the given ExecStart= values and reads the commands back. */
function readBack(name: string, execStartValues: readonly string[], raw = false): Readback {
  expect(missing, `${SYSTEMD} is missing; CI must have systemd (npm run setup installs it)`).toBe(false);
  const dir = mkdtempSync(join(tmpdir(), "c2u-exec-quote-"));
  dirs.push(dir);
  const empty = join(dir, "no-generators");
  mkdirSync(empty);
  const unitName = `${name}.service`;
  const unitPath = join(dir, unitName);
  const body = ["[Unit]", "Description=exec-quote readback", "", "[Service]", "Type=oneshot", ...execStartValues.map((v) => `ExecStart=${v}`), ""].join("\n");
  if (!raw) expect(body).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  writeFileSync(unitPath, body);
  for (const p of [dir, empty]) chmodSync(p, 0o755);
  chmodSync(unitPath, 0o644);

  const args = ["--test", "--system", `--unit=${unitName}`];
  const asRoot = process.getuid?.() === 0;
  if (asRoot) expect(existsSync(SETPRIV), `${SETPRIV} (util-linux) is needed to run systemd --test as nobody`).toBe(true);
  const [cmd, argv] = asRoot ? [SETPRIV, ["--reuid=65534", "--regid=65534", "--clear-groups", SYSTEMD, ...args]] : [SYSTEMD, args];
  const r = spawnSync(cmd, argv, {
    encoding: "utf8",
    timeout: 30_000,
    maxBuffer: 256 * 1024 * 1024,
    env: {
      PATH: "/usr/sbin:/usr/bin:/sbin:/bin",
      HOME: dir,
      SYSTEMD_UNIT_PATH: `${dir}:`,
      SYSTEMD_GENERATOR_PATH: empty,
      SYSTEMD_ENVIRONMENT_GENERATOR_PATH: empty,
    },
  });
  const stderr = r.stderr ?? "";
  expect(r.error, String(r.error)).toBeUndefined();
  expect(r.status, `systemd --test failed:\n${stderr}`).toBe(0);

  const lines = r.stdout.split("\n");
  const start = lines.indexOf(`\t-> Unit ${unitName}:`);
  expect(start, `no dump of ${unitName} in systemd's output; stderr:\n${stderr}`).toBeGreaterThanOrEqual(0);
  let end = lines.findIndex((l, i) => i > start && l.startsWith("\t-> Unit "));
  if (end < 0) end = lines.length;
  const block = lines.slice(start + 1, end);

  const commands: string[][] = [];
  const at = block.indexOf("\t\t-> ExecStart:");
  if (at >= 0) {
    for (const l of block.slice(at + 1)) {
      if (!l.startsWith("\t\t\t")) break;
      // (Not a regex with `.`: that stops at U+2028, which systemd prints raw.)
      const prefix = "\t\t\tCommand Line: ";
      expect(l.startsWith(prefix), `unexpected line in the ExecStart dump: ${JSON.stringify(l)}`).toBe(true);
      commands.push(parseDumpedCommandLine(l.slice(prefix.length)));
    }
  }
  const complaints = stderr.split("\n").filter((l) => l.includes(unitPath) || l.includes(unitName));
  return { commands, complaints };
}

function mustLine(argv: string[]): string {
  const r = execLine(argv);
  if (!r.ok) throw new Error(`execLine refused ${JSON.stringify(argv)}: ${r.reason}`);
  return r.text;
}

describe("systemd reads back what exec-quote writes", () => {
  it.skipIf(skip)("keeps the parser model honest on hand-written systemd syntax", () => {
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

  it.skipIf(skip)("gives back every example and a few hundred generated words, byte for byte", () => {
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
      expect(parseExecValue(texts[i]!).commands.map((c) => c.argv), context).toEqual([loaded]);
      // ... and exec-time expansion ($$ -> $) gives the program the original.
      expect(expandEnvironment(loaded), context).toEqual(argv);
      const bytes = (ws: string[]) => ws.map((w) => Buffer.from(w, "utf8").toString("hex"));
      expect(bytes(expandEnvironment(loaded))).toEqual(bytes(argv));
    }
  });

  it.skipIf(skip)("fails the whole unit over a Unicode noncharacter, which is why quoteExecWord refuses them", () => {
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

import { describe, expect, it } from "vitest";
import { execLine, quoteExecWord } from "../src/emit/systemd/exec-quote.js";
import { EXAMPLE_WORDS, WORD_ALPHABET, parseExecValue, prng, programArgv, randomWord } from "./support/systemd-exec.js";

/**
 * quoteExecWord/execLine against a model of systemd's command-line parser
 * (test/support/systemd-exec.ts). exec-quote.systemd.test.ts checks the same
 * model, and the quoter, against the real systemd.
 */

function quoted(word: string): string {
  const r = quoteExecWord(word);
  if (!r.ok) throw new Error(`unexpected rejection of ${JSON.stringify(word)}: ${r.reason}`);
  return r.text;
}

function line(argv: string[]): string {
  const r = execLine(argv);
  if (!r.ok) throw new Error(`unexpected rejection of ${JSON.stringify(argv)}: ${r.reason}`);
  return r.text;
}

/** What the program gets when systemd runs `ExecStart=/bin/true <quoted word>`. */
function roundTrip(word: string): string[][] {
  return programArgv(`/bin/true ${quoted(word)}`);
}

describe("quoteExecWord, by example", () => {
  it.each([
    ["docker", "docker"],
    ["--name", "--name"],
    ["-p", "-p"],
    ["127.0.0.1:80:80", "127.0.0.1:80:80"],
    ["/usr/bin/docker", "/usr/bin/docker"],
    ["a;b", "a;b"],
    ["-x", "-x"],
    ["@y", "@y"],
    [":z", ":z"],
    ["+w", "+w"],
    ["!v", "!v"],
  ])("leaves the simple word %j bare", (word, text) => {
    expect(quoted(word)).toBe(text);
  });

  it.each([
    ["%", "%%"],
    ["%n", "%%n"],
    ["100%", "100%%"],
    ["$", "$$"],
    ["$HOME", "$$HOME"],
    ["${FOO}", "$${FOO}"],
    ["$$", "$$$$"],
    ["a%b$c", "a%%b$$c"],
  ])("doubles %% and $ in %j without needing quotes", (word, text) => {
    expect(quoted(word)).toBe(text);
  });

  it.each([
    ["", '""'],
    [";", '";"'],
    ["two words", '"two words"'],
    [" ", '" "'],
    ['say "hi"', '"say \\"hi\\""'],
    ['"', '"\\""'],
    ["it's", '"it\'s"'],
    ["'", '"\'"'],
    ["\\", '"\\\\"'],
    ["a\\", '"a\\\\"'],
    ["C:\\dir\\", '"C:\\\\dir\\\\"'],
    ["\\n", '"\\\\n"'],
    ["\\;", '"\\\\;"'],
    ["a\u00a0b", '"a\u00a0b"'],
    ["sh -c 'echo $HOME 100%'", "\"sh -c 'echo $$HOME 100%%'\""],
  ])("quotes %j", (word, text) => {
    expect(quoted(word)).toBe(text);
  });

  it.each(["é", "日本語", "😀", "中", "\u{10fffd}"])("passes Unicode %j through unescaped", (word) => {
    expect(quoted(word)).toBe(word);
  });

  // cloud-init's YAML reader breaks lines at these or refuses them; systemd unescapes \u itself.
  it.each([
    ["a\u0085b", '"a\\u0085b"'],
    ["\u2028", '"\\u2028"'],
    ["x\u2029y", '"x\\u2029y"'],
    ["\u009b", '"\\u009b"'],
    ["\ufeffbom", '"\\ufeffbom"'],
  ])("writes %j, which cloud-init would read as a line break or refuse, as a \\u escape", (word, text) => {
    expect(quoted(word)).toBe(text);
  });

  it.each([
    ["a\nb", "contains a newline (U+000A)"],
    ["a\tb", "contains a tab (U+0009)"],
    ["a\rb", "contains a carriage return (U+000D)"],
    ["\0", "contains a NUL byte (U+0000)"],
    ["\x1b[0m", "contains an escape character (U+001B)"],
    ["\x7f", "contains a delete character (U+007F)"],
    ["\x01", "contains a control character (U+0001)"],
    ["a\ufffeb", "contains the Unicode noncharacter U+FFFE"],
    ["a\ufdd0b", "contains the Unicode noncharacter U+FDD0"],
    ["a\u{1ffff}b", "contains the Unicode noncharacter U+1FFFF"],
    ["a\ud800b", "contains an unpaired UTF-16 surrogate (U+D800"],
  ])("rejects %j, naming the character", (word, reason) => {
    const r = quoteExecWord(word);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });

  it.each(EXAMPLE_WORDS.map((w) => [w]))("round-trips %j through the model", (word) => {
    expect(roundTrip(word)).toEqual([["/bin/true", word]]);
  });

  it("quotes a lone ; so that it is an argument, not a command separator", () => {
    expect(programArgv("/bin/true a ; b")).toEqual([["/bin/true", "a"], ["b"]]);
    expect(programArgv(`/bin/true a ${quoted(";")} b`)).toEqual([["/bin/true", "a", ";", "b"]]);
  });
});

describe("execLine", () => {
  it("quotes each word and joins them with single spaces", () => {
    const argv = ["/usr/bin/docker", "run", "--name", "web app", "-e", "GREETING=100% $HOME", "-p", "127.0.0.1:80:80", ""];
    const text = line(argv);
    expect(text).toBe('/usr/bin/docker run --name "web app" -e "GREETING=100%% $$HOME" -p 127.0.0.1:80:80 ""');
    expect(programArgv(text)).toEqual([argv]);
  });

  it("keeps the intended meaning of a prefix the caller adds on purpose", () => {
    const text = line(["/usr/bin/docker", "rm", "--force", "a b"]);
    const parsed = parseExecValue(`-${text}`).commands;
    expect(parsed).toHaveLength(1);
    expect(parsed[0]!.prefixes).toBe("-");
    expect(parsed[0]!.argv).toEqual(["/usr/bin/docker", "rm", "--force", "a b"]);
  });

  it.each([
    [[], "has no executable"],
    [["docker", "ps"], "is not an absolute path"],
    [["-/usr/bin/docker"], "is not an absolute path"],
    [["@/usr/bin/docker"], "is not an absolute path"],
    [["/usr/bin/"], "names a directory"],
    [["/opt/$APP/bin"], 'contains "$"'],
    [["/opt/it's"], 'contains "\'"'],
    [["/usr/bin/docker", "ok", "bad\nword"], 'word 2 ("bad\\nword") contains a newline (U+000A)'],
    [["/usr/bin/x\ty"], "executable contains a tab (U+0009)"],
  ] as [string[], string][])("rejects %j", (argv, reason) => {
    const r = execLine(argv);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });

  it("rejects a line longer than systemd reads", () => {
    expect(execLine(["/bin/true", "a".repeat(1024 * 1024)]).ok).toBe(false);
    expect(execLine(["/bin/true", "a".repeat(1000 * 1000)]).ok).toBe(true);
  });
});

describe("quoteExecWord, by property (seeded generated words)", () => {
  const rand = prng(0x5eed);
  const words = Array.from({ length: 4000 }, () => randomWord(rand));

  it("generates words that exercise the dangerous characters", () => {
    const seen = (ch: string) => words.filter((w) => w.includes(ch)).length;
    for (const ch of ['"', "'", "\\", "%", "$", ";", " ", "😀"]) expect(seen(ch)).toBeGreaterThan(100);
    expect(words.filter((w) => w === ";").length).toBeGreaterThan(5);
    expect(words.filter((w) => w === "").length).toBeGreaterThan(5);
  });

  it("gives every generated word back through the model, alone", () => {
    for (const word of words) expect(roundTrip(word), JSON.stringify(word)).toEqual([["/bin/true", word]]);
  });

  it("gives every generated word back through the model, many to a line", () => {
    for (let i = 0; i < words.length; i += 7) {
      const argv = ["/bin/true", ...words.slice(i, i + 7)];
      const text = line(argv);
      expect(programArgv(text), text).toEqual([argv]);
    }
  });

  it("emits only bare words that need no quoting and lines that cannot continue", () => {
    for (const word of words) {
      const text = quoted(word);
      // systemd reads a line ending in an odd number of backslashes as continued.
      expect(text.endsWith("\\")).toBe(false);
      if (!text.startsWith('"')) {
        expect(text).not.toBe("");
        expect(text).not.toBe(";");
        expect(text).not.toMatch(/[\s"'\\]/u);
      } else {
        expect(text.endsWith('"')).toBe(true);
      }
      expect(text).not.toMatch(/[\x00-\x1f\x7f]/);
    }
  });

  it("rejects any word holding a control character, and names it", () => {
    for (const [i, word] of words.entries()) {
      const code = i % 33 === 32 ? 0x7f : i % 33;
      const chars = [...word];
      chars.splice(Math.floor(rand() * (chars.length + 1)), 0, String.fromCharCode(code));
      const bad = chars.join("");
      const r = quoteExecWord(bad);
      expect(r.ok, JSON.stringify(bad)).toBe(false);
      if (!r.ok) expect(r.reason).toContain(`(U+${code.toString(16).toUpperCase().padStart(4, "0")})`);
    }
  });

  it("uses an alphabet made of single code points", () => {
    for (const ch of WORD_ALPHABET) expect([...ch]).toHaveLength(1);
  });
});

import { describe, expect, it } from "vitest";
import { parseDotenv } from "../src/frontend/1-inputs/dotenv.js";

describe("env file parsing", () => {
  it("reads the forms compose reads", () => {
    const r = parseDotenv(
      [
        "# comment",
        "",
        "PLAIN=value",
        "export EXPORTED=yes",
        "SPACED = padded value  ",
        "COMMENTED=value # trailing comment",
        "HASH=a#b",
        "SINGLE='literal $X \\n'",
        'DOUBLE="line\\nbreak \\"quoted\\""',
        "EMPTY=",
        "BARE",
        'MULTI="first',
        'second"',
      ].join("\n"),
    );
    expect(r).toEqual({
      ok: true,
      entries: [
        { name: "PLAIN", value: "value", line: 3 },
        { name: "EXPORTED", value: "yes", line: 4 },
        { name: "SPACED", value: "padded value", line: 5 },
        { name: "COMMENTED", value: "value", line: 6 },
        { name: "HASH", value: "a#b", line: 7 },
        { name: "SINGLE", value: "literal $X \\n", line: 8 },
        { name: "DOUBLE", value: 'line\nbreak "quoted"', line: 9 },
        { name: "EMPTY", value: "", line: 10 },
        { name: "BARE", value: undefined, line: 11 },
        { name: "MULTI", value: "first\nsecond", line: 12 },
      ],
    });
  });

  it("reports the line of an invalid name or an open quote", () => {
    expect(parseDotenv("OK=1\n1BAD=2\n")).toEqual({ ok: false, line: 2, message: 'invalid variable name "1BAD"' });
    expect(parseDotenv("A='open\n")).toEqual({ ok: false, line: 1, message: "unterminated single quote" });
  });
});

import { describe, expect, it } from "vitest";
import { parseDotenv } from "../../src/frontend/1-inputs/dotenv.js";
import { env, load, where } from "./support.js";

const values = (text: string, lookup?: (n: string) => string | undefined) => {
  const r = parseDotenv(text, lookup);
  if (!r.ok) throw new Error(`line ${r.line}: ${r.message}`);
  return Object.fromEntries(r.entries.map((e) => [e.name, e.value]));
};

describe("the env file parser follows docker compose's rules", () => {
  it("comments, blank lines, export, spaces around =, empty values", () => {
    expect(values("# a comment\n\n  # indented comment\nexport A=1\nexport\tB=2\nC = spaced  \nD=\nE=''\nF=\"\"\n")).toEqual({
      A: "1",
      B: "2",
      C: "spaced",
      D: "",
      E: "",
      F: "",
    });
  });

  it("an inline comment needs a space before #; a quoted # is text", () => {
    expect(values("A=value # comment\nB=a#b\nC=\"quoted # hash\" # comment\nD='single # hash'\n")).toEqual({
      A: "value",
      B: "a#b",
      C: "quoted # hash",
      D: "single # hash",
    });
  });

  it("the YAML-like NAME: value form", () => {
    expect(values("A: 1\nB:two\n")).toEqual({ A: "1", B: "two" });
  });

  it("names with dots, dashes and brackets", () => {
    expect(values("a.b=1\nc-d=2\ne[0]=3\n")).toEqual({ "a.b": "1", "c-d": "2", "e[0]": "3" });
  });

  it('single quotes are literal; double quotes know \\n \\t \\\\ \\" \\$ and octal \\0NNN', () => {
    expect(values("A='x\\ny $HOME'\n" + 'B="x\\ny\\tz \\\\ \\"q\\" \\$HOME \\0101 \\q"\n')).toEqual({ A: "x\\ny $HOME", B: 'x\ny\tz \\ "q" $HOME A \\q' });
  });

  it("quoted values may span lines, and an escaped quote does not end them", () => {
    expect(values('A="first\nsecond"\nB=\'it\\\'s\'\nC="say \\"hi\\""\n')).toEqual({ A: "first\nsecond", B: "it\\'s", C: 'say "hi"' });
  });

  it("a bare name takes its value from the environment, or is left out", () => {
    const r = parseDotenv("SET\nUNSET\n");
    expect(r).toEqual({
      ok: true,
      entries: [
        { name: "SET", value: undefined, line: 1 },
        { name: "UNSET", value: undefined, line: 2 },
      ],
    });
  });

  it("with a lookup, ${...} in unquoted and double-quoted values is substituted from earlier lines, then the lookup", () => {
    const lookup = (n: string) => ({ HOST: "example.com", A: "from-env" })[n];
    expect(values('A=1\nURL=https://${HOST}/$A\nQ="${A}-${MISSING:-d}"\nS=\'${HOST}\'\nD="\\$HOST"\nE=$$HOST\n', lookup)).toEqual({
      A: "1",
      URL: "https://example.com/1",
      Q: "1-d",
      S: "${HOST}",
      D: "$HOST",
      E: "$HOST",
    });
  });

  it("without a lookup, values stay as written", () => {
    expect(values("A=${B}\n")).toEqual({ A: "${B}" });
  });

  it("reports the line of what it cannot read", () => {
    expect(parseDotenv("OK=1\nNOT OK=2\n")).toEqual({ ok: false, line: 2, message: 'invalid variable name "NOT OK" (a name cannot contain spaces)' });
    expect(parseDotenv('A=1\nB="open\nC=3\n')).toEqual({ ok: false, line: 2, message: "unterminated double quote" });
    expect(parseDotenv("A=${X:?X is needed}\n", () => undefined)).toEqual({ ok: false, line: 1, message: "variable A: X is needed" });
  });
});

describe("env_file on a service", () => {
  const files = {
    "web.env": "# defaults\nA=from-web.env\nB=from-web.env\nURL=http://${HOST}:${PORT:-80}/\nINHERITED\n",
    "local.env": "B=from-local.env\nC=$B\n",
  };

  it("a string, read relative to the project directory", () => {
    const r = load({ ...files, "compose.yaml": "services:\n  web:\n    image: nginx\n    env_file: web.env\n" }, ["compose.yaml"], {
      projectName: "p",
      environment: { HOST: "h", INHERITED: "from-process" },
    });
    expect(r.errors).toEqual([]);
    expect(env(r.service("web"))).toEqual({ A: "from-web.env", B: "from-web.env", URL: "http://h:80/", INHERITED: "from-process" });
  });

  it("a list: later files win, and may use the earlier ones' values", () => {
    const r = load({ ...files, "compose.yaml": "services:\n  web:\n    image: nginx\n    env_file: [web.env, local.env]\n" }, ["compose.yaml"], {
      projectName: "p",
    });
    expect(env(r.service("web"))).toMatchObject({ A: "from-web.env", B: "from-local.env", C: "from-local.env" });
  });

  it("environment: wins over env_file, and a bare name there unsets a file's value when nothing sets it", () => {
    const r = load(
      { ...files, "compose.yaml": "services:\n  web:\n    image: nginx\n    env_file: web.env\n    environment:\n      - A=explicit\n      - B\n" },
      ["compose.yaml"],
      { projectName: "p" },
    );
    expect(env(r.service("web"))).toEqual({ A: "explicit", URL: "http://:80/" });
  });

  it("long syntax: required: false skips a missing file, a required one is an error at its entry", () => {
    const text =
      "services:\n  web:\n    image: nginx\n    env_file:\n      - path: ./missing-optional.env\n        required: false\n      - path: ./missing.env\n      - web.env\n";
    const r = load({ ...files, "compose.yaml": text }, ["compose.yaml"], { projectName: "p" });
    expect(r.errors).toEqual(['compose.yaml:7:9: error missing-input: service "web": env_file missing.env not found']);
  });

  it("each variable keeps the file and line it was written on", () => {
    const r = load(
      { ...files, "compose.yaml": "services:\n  web:\n    image: nginx\n    env_file: web.env\n    environment:\n      OWN: 1\n" },
      ["compose.yaml"],
      { projectName: "p" },
    );
    const at = Object.fromEntries(r.service("web").environment.map((e) => [e.name, where(e.at)]));
    expect(at).toMatchObject({ A: "web.env:2:1", URL: "web.env:4:1", OWN: "compose.yaml:6:12" });
  });

  it("a malformed env file is an error at its line", () => {
    const r = load({ "bad.env": "A=1\nB='open\n", "compose.yaml": "services:\n  web:\n    image: nginx\n    env_file: bad.env\n" }, ["compose.yaml"], {
      projectName: "p",
    });
    expect(r.errors).toEqual(['bad.env:2:1: error invalid-env-file: service "web": unterminated single quote']);
  });
});

describe("~ in the paths of files read while compiling", () => {
  it("is HOME for env_file, secret and config files, extends and include files, as in docker compose", () => {
    const r = load(
      {
        "compose.yaml": [
          "include:",
          "  - ~/shared/cache.yaml",
          "services:",
          "  web:",
          "    extends:",
          "      file: ~/base.yaml",
          "      service: base",
          "    env_file: ~/web.env",
          "    secrets: [pw]",
          "secrets:",
          "  pw:",
          "    file: ~/pw.txt",
          "",
        ].join("\n"),
        "/home/me/base.yaml": "services:\n  base:\n    image: nginx\n",
        "/home/me/web.env": "GREETING=hello\n",
        "/home/me/pw.txt": "s3cret\n",
        "/home/me/shared/cache.yaml": "services:\n  cache:\n    image: redis\n",
      },
      ["compose.yaml"],
      { environment: { HOME: "/home/me" } },
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.service("web").image).toMatchObject({ ref: { value: "nginx" } });
    expect(env(r.service("web"))).toEqual({ GREETING: "hello" });
    expect(r.service("web").files.map((f) => f.content)).toEqual(["s3cret\n"]);
    expect(r.service("cache").image).toMatchObject({ ref: { value: "redis" } });
  });

  it("without HOME, stays a path relative to the project, and the missing file is reported at its place, saying HOME is not set", () => {
    const r = load({
      "compose.yaml": [
        "include: [~/shared.yaml]",
        "services:",
        "  web:",
        "    extends: {file: ~/base.yaml, service: base}",
        "    env_file: ~/web.env",
        "    secrets: [pw]",
        "secrets:",
        "  pw: {file: ~/pw.txt}",
        "",
      ].join("\n"),
    });
    const note = "(~ is the home folder, but HOME is not set to an absolute path)";
    expect(r.errors).toEqual([
      `compose.yaml:1:11: error missing-input: included file ~/shared.yaml not found ${note}`,
      `compose.yaml:4:21: error missing-input: service "web" extends a service in ~/base.yaml, which cannot be read ${note}`,
    ]);
    const withoutInclude = load({
      "compose.yaml": "services:\n  web:\n    image: nginx\n    env_file: ~/web.env\n    secrets: [pw]\nsecrets:\n  pw: {file: ~/pw.txt}\n",
    });
    expect(withoutInclude.errors).toEqual([
      `compose.yaml:4:15: error missing-input: service "web": env_file ~/web.env not found ${note}`,
      `compose.yaml:7:14: error missing-input: secret "pw": file ~/pw.txt not found ${note}`,
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { DiagnosticBag } from "../src/diagnostics.js";
import { parseYamlFile } from "../src/frontend/parse-yaml.js";

describe("YAML with positions", () => {
  const text = `x-base: &base
  image: busybox
  environment:
    A: "1"
services:
  web:
    <<: *base
    command: ["sh", "-c", "true"]
  db: *base
`;
  const diagnostics = new DiagnosticBag();
  const parsed = parseYamlFile({ path: "c.yml", content: text }, diagnostics)!;

  it("resolves anchors, aliases and merge keys", () => {
    expect(diagnostics.sorted()).toEqual([]);
    expect(parsed.value).toEqual({
      "x-base": { image: "busybox", environment: { A: "1" } },
      services: {
        web: { command: ["sh", "-c", "true"], image: "busybox", environment: { A: "1" } },
        db: { image: "busybox", environment: { A: "1" } },
      },
    });
  });

  it("knows where every key and value was written", () => {
    expect(parsed.locations.key("/services/web/command")).toEqual({ file: "c.yml", line: 8, column: 5 });
    expect(parsed.locations.value("/services/web/command/2")).toEqual({ file: "c.yml", line: 8, column: 27 });
    // A value that came through an alias is placed where the alias is written.
    expect(parsed.locations.value("/services/db")).toEqual({ file: "c.yml", line: 9, column: 7 });
    // Below a path without a position of its own, the nearest ancestor answers.
    expect(parsed.locations.value("/services/web/nothing/here")).toEqual({ file: "c.yml", line: 7, column: 5 });
  });
});

describe("plain compose YAML", () => {
  const read = (content: string) => {
    const diagnostics = new DiagnosticBag();
    const parsed = parseYamlFile({ path: "c.yaml", content }, diagnostics);
    expect(diagnostics.sorted()).toEqual([]);
    return parsed!;
  };

  it("is read as compose files mean it: YAML 1.1 octal modes, core-schema numbers and booleans, strings otherwise", () => {
    const { value } = read(
      [
        "services:",
        "  web:",
        "    image: nginx:1.27  # a comment",
        "    ports: ['8080:80', 443]",
        "    environment: {DEBUG: 'false', LEVEL: 3}",
        "    command: |",
        "      sh -c 'echo hi'",
        "    secrets:",
        "      - source: key",
        "        mode: 0440",
        "    read_only: true",
        "    stop_grace_period: 1m30s",
        "    labels:",
        '      - "a=b # not a comment"',
        "",
      ].join("\n"),
    );
    expect(value).toEqual({
      services: {
        web: {
          image: "nginx:1.27",
          ports: ["8080:80", 443],
          environment: { DEBUG: "false", LEVEL: 3 },
          command: "sh -c 'echo hi'\n",
          secrets: [{ source: "key", mode: 0o440 }],
          read_only: true,
          stop_grace_period: "1m30s",
          labels: ["a=b # not a comment"],
        },
      },
    });
  });

  it("gives each value and key its line and column, columns counted in UTF-16 units as JavaScript strings are", () => {
    const { locations } = read("services:\n  web:\n    image: nginx\n    ports:\n      - 80:80\n    labels: {é😀: x, k: 'y'}\n");
    expect(locations.value("/services/web/image")).toEqual({ file: "c.yaml", line: 3, column: 12 });
    expect(locations.key("/services/web/image")).toEqual({ file: "c.yaml", line: 3, column: 5 });
    expect(locations.value("/services/web/ports/0")).toEqual({ file: "c.yaml", line: 5, column: 9 });
    expect(locations.key("/services/web/labels/k")).toEqual({ file: "c.yaml", line: 6, column: 22 });
    expect(locations.value("/services/web/labels/k")).toEqual({ file: "c.yaml", line: 6, column: 25 });
  });

  it("places values after a CRLF line end on their own line", () => {
    const { locations } = read("services:\r\n  web:\r\n    image: nginx\r\n");
    expect(locations.value("/services/web/image")).toEqual({ file: "c.yaml", line: 3, column: 12 });
  });
});

describe("aliases to nothing", () => {
  it("are reported by name, also as the source of a << merge", () => {
    for (const [text, at] of [
      ["x: *nope\n", "c.yml:1:4"],
      ["x:\n  <<: *nope\n", "c.yml:2:7"],
      ["x:\n  <<: [*nope]\n", "c.yml:2:8"],
    ] as const) {
      const diagnostics = new DiagnosticBag();
      parseYamlFile({ path: "c.yml", content: text }, diagnostics);
      expect(diagnostics.sorted().map((d) => `${d.location!.file}:${d.location!.line}:${d.location!.column} ${d.message}`)).toEqual([
        `${at} unknown alias *nope`,
      ]);
    }
  });
});

describe("duplicate keys", () => {
  const errorsOf = (text: string) => {
    const diagnostics = new DiagnosticBag();
    parseYamlFile({ path: "d.yml", content: text }, diagnostics);
    return diagnostics.sorted().map((d) => `${d.location?.line}:${d.location?.column} ${d.message}`);
  };

  it("are reported at the repeated key, in block and flow mappings", () => {
    expect(errorsOf("a: 1\nb: {x: 1, y: 2, x: 3}\na: 2\n")).toEqual(["2:17 Map keys must be unique", "3:1 Map keys must be unique"]);
  });

  it("are reported once for an anchored mapping however often it is used", () => {
    expect(errorsOf("base: &b\n  k: 1\n  k: 2\none: *b\ntwo:\n  <<: *b\n")).toEqual(["3:3 Map keys must be unique"]);
  });

  it("are compared as YAML values, as the yaml package does: 1 and '1' differ", () => {
    expect(errorsOf("m:\n  1: a\n  '1': b\n")).toEqual([]);
  });

  it("are found in a mapping of thousands of keys", () => {
    const keys = Array.from({ length: 2000 }, (_, i) => `k${i}: ${i}`);
    expect(errorsOf([...keys, "k1234: again"].join("\n") + "\n")).toEqual(["2001:1 Map keys must be unique"]);
  });
});

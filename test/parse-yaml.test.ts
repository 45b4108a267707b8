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

import { describe, expect, it } from "vitest";
import { compile, formatDiagnostic } from "../src/index.js";

function diagnosticsOf(content: string): string[] {
  return compile({ path: "compose.yml", content }, { projectName: "t" }).diagnostics.map(formatDiagnostic);
}

const ACCEPTED = "only !reset, !override and the core tags (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq) are";

describe("YAML tags", () => {
  it("a tag compose does not read the same way is an error at its value", () => {
    const cases: [string, string][] = [
      ["!!omap [ {a: 1} ]", "!!omap"],
      ["!!set {a: null}", "!!set"],
      ["!!binary aGVsbG8=", "!!binary"],
      ["!!timestamp 2001-12-14", "!!timestamp"],
      ["!custom nginx", "!custom"],
      ["!<tag:example.com,2000:app> nginx", "tag:example.com,2000:app"],
    ];
    for (const [value, tag] of cases) {
      // At the value after the tag: `    labels: ` is 12 characters.
      const column = 12 + value.indexOf(" ") + 2;
      expect(diagnosticsOf(`services:\n  web:\n    image: nginx\n    labels: ${value}\n`)).toEqual([
        `compose.yml:4:${column}: error yaml-syntax: the YAML tag ${tag} is not accepted in a compose file: ${ACCEPTED}`,
      ]);
    }
  });

  it("a tagged block collection is located too, also in an x- key nothing reads", () => {
    expect(diagnosticsOf("x-extra: !!omap\n  - a: 1\nservices:\n  web:\n    image: nginx\n")).toEqual([
      `compose.yml:2:3: error yaml-syntax: the YAML tag !!omap is not accepted in a compose file: ${ACCEPTED}`,
    ]);
  });

  it("the core tags, the non-specific ! and compose's merge tags are read as before", () => {
    const ok = compile(
      {
        path: "compose.yml",
        content:
          "services:\n  web:\n    image: !!str nginx\n    labels: !!map {a: !<tag:yaml.org,2002:str> b, c: ! 1}\n    stop_grace_period: !!str 10s\n    privileged: !!bool false\n    cap_add: !!seq [NET_ADMIN]\n    x-none: !!null\n",
      },
      { projectName: "t" },
    );
    expect(ok.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic)).toEqual([]);
    expect(ok.project?.services[0]?.image.ref.value).toBe("nginx");
    const merged = compile(
      [
        { path: "compose.yml", content: "services:\n  web:\n    image: nginx\n    ports: ['80:80']\n" },
        { path: "override.yml", content: "services:\n  web:\n    ports: !reset []\n" },
      ],
      { projectName: "t" },
    );
    expect(merged.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });
});

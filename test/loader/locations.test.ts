import { describe, expect, it } from "vitest";
import { load } from "./support.js";

/** A diagnostic points at the file the faulty value came from, after interpolation, merge, extends and include. */
describe("diagnostics point at the value at fault, in the file it came from", () => {
  it("after interpolation: at the value that held the variable", () => {
    const r = load({ "compose.yaml": "services:\n  web:\n    image: nginx\n    ports:\n      - ${PORT}:80\n" }, ["compose.yaml"], {
      projectName: "p",
      environment: { PORT: "http" },
    });
    expect(r.errors).toEqual(['compose.yaml:5:9: error invalid-port: invalid published port "http"']);
  });

  it("after merging -f files: in the override file", () => {
    const r = load(
      { "compose.yaml": "services:\n  web:\n    image: nginx\n    restart: always\n", "prod.yaml": "\nservices:\n  web:\n    restart: sometimes\n" },
      ["compose.yaml", "prod.yaml"],
      { projectName: "p" },
    );
    expect(r.errors).toEqual([
      'prod.yaml:4:14: error invalid-value: invalid restart policy "sometimes": expected no, always, unless-stopped or on-failure[:N]',
    ]);
  });

  it("after extends from another file: in the base file", () => {
    const r = load(
      {
        "compose.yaml": "services:\n  web:\n    extends: {file: base/common.yaml, service: tpl}\n",
        "base/common.yaml": "services:\n  tpl:\n    image: nginx\n    stop_grace_period: forever\n",
      },
      ["compose.yaml"],
      { projectName: "p" },
    );
    expect(r.errors).toEqual(['base/common.yaml:4:24: error invalid-duration: invalid duration "forever" (expected e.g. 10s, 1m30s)']);
  });

  it("after include: in the included file", () => {
    const r = load(
      { "compose.yaml": "include: [db/compose.yaml]\nservices: {}\n", "db/compose.yaml": "services:\n  db:\n    image: postgres\n    expose: [lots]\n" },
      ["compose.yaml"],
      { projectName: "p" },
    );
    expect(r.errors).toEqual(['db/compose.yaml:4:14: error invalid-port: invalid exposed port "lots"']);
  });

  it("through anchors and aliases: where the alias is used, and where the anchor wrote the value", () => {
    const r = load(
      { "compose.yaml": "x-ports: &ports\n  - 80:80:80x\nservices:\n  a:\n    image: nginx\n    ports: *ports\n  b:\n    <<: {image: nginx, restart: oops}\n" },
      ["compose.yaml"],
      { projectName: "p" },
    );
    expect(r.errors).toEqual([
      'compose.yaml:2:5: error invalid-port: invalid container port "80x"',
      'compose.yaml:8:33: error invalid-value: invalid restart policy "oops": expected no, always, unless-stopped or on-failure[:N]',
    ]);
  });

  it("a schema error in an override file", () => {
    const r = load(
      { "compose.yaml": "services:\n  web:\n    image: nginx\n", "o.yaml": "services:\n  web:\n    environment: 42\n" },
      ["compose.yaml", "o.yaml"],
      { projectName: "p" },
    );
    expect(r.errors).toEqual(["o.yaml:3:18: error schema: services.web.environment: must be a list or a mapping"]);
  });

  it("an included project's env_file error, in the env file", () => {
    const r = load(
      {
        "compose.yaml": "include: [sub/compose.yaml]\nservices: {}\n",
        "sub/compose.yaml": "services:\n  s:\n    image: x\n    env_file: s.env\n",
        "sub/s.env": 'A=1\n\nB="open\n',
      },
      ["compose.yaml"],
      { projectName: "p" },
    );
    expect(r.errors).toEqual(['sub/s.env:3:1: error invalid-env-file: service "s": unterminated double quote']);
  });

  it("in a list with a !reset item dropped: at the item the list index now names", () => {
    const r = load(
      { "compose.yaml": "services:\n  web:\n    image: nginx\n    security_opt:\n      - !reset no-new-privileges\n      - label=disable\n      - {bad: 1}\n" },
      ["compose.yaml"],
      { projectName: "p" },
    );
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^compose\.yaml:7:9: error schema: services\.web\.security_opt\[1\]: must be a string$/);
  });

  it("under a key with / and ~ in it: at that key's value", () => {
    const r = load({ "compose.yaml": "services:\n  web:\n    image: nginx\n    sysctls:\n      net.ipv4/~x: [1]\n" }, ["compose.yaml"], { projectName: "p" });
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^compose\.yaml:5:20: error schema: /);
  });
});

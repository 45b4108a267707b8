import { describe, expect, it } from "vitest";
import { env, load, where } from "./support.js";

describe("extends", () => {
  it("within a file: the base's settings, merged with the service's own by the spec's rules", () => {
    const r = load(
      {
        "compose.yaml": `services:
  base:
    image: example/app:1
    command: ["serve"]
    environment: {LEVEL: info, REGION: eu}
    ports: ["8080:80"]
    volumes: ["data:/data", "./conf:/conf"]
    healthcheck: {test: ["CMD", "true"], interval: 10s}
  web:
    extends: base
    command: ["serve", "--web"]
    environment: [LEVEL=debug]
    ports: ["9090:90"]
    volumes: ["./web-conf:/conf:ro"]
    healthcheck: {test: ["CMD", "curl", "-f", "localhost"]}
volumes:
  data:
`,
      },
      ["compose.yaml"],
      { projectName: "p", projectDirectory: "/srv/p" },
    );
    expect(r.errors).toEqual([]);
    const web = r.service("web");
    expect(web.image.ref.value).toBe("example/app:1");
    expect(web.command?.value).toEqual(["serve", "--web"]);
    expect(env(web)).toEqual({ LEVEL: "debug", REGION: "eu" });
    expect(web.ports.map((p) => `${p.published}:${p.target}`)).toEqual(["8080:80", "9090:90"]);
    expect(
      web.mounts.map((m) => `${m.type === "bind" ? m.source : m.type === "volume" ? m.volume : ""}:${m.target}:${"readOnly" in m && m.readOnly ? "ro" : "rw"}`),
    ).toEqual(["data:/data:rw", "/srv/p/web-conf:/conf:ro"]);
    expect(web.healthcheck).toMatchObject({ kind: "exec", argv: ["curl", "-f", "localhost"], intervalSeconds: 10 });
    // The base stays a service of its own.
    expect(r.service("base").command?.value).toEqual(["serve"]);
  });

  it("from another file: file: is relative to the extending file, and the base's relative paths to its own file", () => {
    const r = load(
      {
        "compose.yaml": "services:\n  web:\n    extends:\n      file: lib/common.yml\n      service: tpl\n    environment: [OWN=1]\n",
        "lib/common.yml":
          "services:\n  tpl:\n    extends:\n      file: ../base/base.yml\n      service: root\n    image: example/web:2\n    env_file: common.env\n    volumes: [./static:/static]\n",
        "lib/common.env": "FROM_COMMON=yes\n",
        "base/base.yml": "services:\n  root:\n    image: example/root\n    build: ./ctx\n    volumes: [../shared:/shared]\n    environment: [ROOT=1]\n",
      },
      ["compose.yaml"],
      { projectName: "p" },
    );
    expect(r.errors).toEqual([]);
    const web = r.service("web");
    expect(web.image.ref.value).toBe("example/web:2");
    expect(env(web)).toEqual({ FROM_COMMON: "yes", ROOT: "1", OWN: "1" });
    expect(web.mounts.map((m) => (m.type === "bind" ? `${m.source}:${m.target}` : ""))).toEqual(["/project/shared:/shared", "/project/lib/static:/static"]);
    // The service is where it is written; each value where it came from.
    expect(where(web.at)).toBe("compose.yaml:2:3");
    expect(where(web.image.ref.at)).toBe("lib/common.yml:6:12");
    expect(where(web.mounts[0]!.at)).toBe("base/base.yml:5:15");
  });

  it("chains: a base that extends another base", () => {
    const r = load(
      {
        "compose.yaml":
          "services:\n  a:\n    image: x\n    environment: [A=1]\n  b:\n    extends: a\n    environment: [B=1]\n  c:\n    extends: {service: b}\n    environment: [C=1]\n",
      },
      ["compose.yaml"],
      { projectName: "p" },
    );
    expect(env(r.service("c"))).toEqual({ A: "1", B: "1", C: "1" });
  });

  it("a cycle is an error at the extends that closes it", () => {
    const r = load({ "compose.yaml": "services:\n  a:\n    image: x\n    extends: b\n  b:\n    extends: a\n" }, ["compose.yaml"], { projectName: "p" });
    expect(r.errors).toContain("compose.yaml:4:14: error extends-cycle: extends cycle: a extends b extends a");
  });

  it("a cycle across files", () => {
    const r = load(
      {
        "compose.yaml": "services:\n  a:\n    image: x\n    extends: {file: other.yml, service: b}\n",
        "other.yml": "services:\n  b:\n    extends: {file: compose.yaml, service: a}\n",
      },
      ["compose.yaml"],
      { projectName: "p" },
    );
    expect(r.errors.some((e) => /error extends-cycle: extends cycle: a extends b extends a/.test(e))).toBe(true);
  });

  it("an undefined base or an unreadable file is an error at the reference", () => {
    const r = load(
      {
        "compose.yaml":
          "services:\n  a:\n    extends: nope\n  b:\n    extends:\n      file: missing.yml\n      service: x\n  c:\n    extends: {file: other.yml, service: gone}\n",
        "other.yml": "services:\n  here:\n    image: x\n",
      },
      ["compose.yaml"],
      { projectName: "p" },
    );
    expect(r.errors).toEqual([
      'compose.yaml:3:14: error undefined-reference: service "a" extends undefined service "nope"',
      'compose.yaml:6:13: error missing-input: service "b" extends a service in missing.yml, which cannot be read',
      'compose.yaml:9:41: error undefined-reference: service "c" extends undefined service "gone" in other.yml',
    ]);
  });

  it("!reset in the extending service drops what the base set", () => {
    const r = load(
      {
        "compose.yaml":
          "services:\n  a:\n    image: x\n    ports: ['80:80']\n    command: [run]\n  b:\n    extends: a\n    ports: !reset []\n    command: !reset null\n",
      },
      ["compose.yaml"],
      { projectName: "p" },
    );
    expect(r.errors).toEqual([]);
    expect(r.service("b").ports).toEqual([]);
    expect(r.service("b").command).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { load, where } from "./support.js";

const svc = (image: string) => `services:\n  web:\n    image: ${image}\n`;
const image = (r: ReturnType<typeof load>) => r.service("web").image.ref.value;

describe("finding the compose files without -f", () => {
  it("the first of compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml, warning about the others", () => {
    const r = load({ "compose.yml": svc("b"), "docker-compose.yml": svc("c"), "docker-compose.yaml": svc("d") }, [], { projectName: "p" });
    expect(image(r)).toBe("b");
    expect(r.warnings).toEqual([
      "docker-compose.yaml:1:1: warning missing-input: docker-compose.yaml is ignored: compose.yml is used, as docker compose would",
      "docker-compose.yml:1:1: warning missing-input: docker-compose.yml is ignored: compose.yml is used, as docker compose would",
    ]);
    expect(image(load({ "compose.yaml": svc("a"), "compose.yml": svc("b") }, [], { projectName: "p" }))).toBe("a");
    expect(image(load({ "docker-compose.yml": svc("c"), "docker-compose.yaml": svc("d") }, [], { projectName: "p" }))).toBe("c");
  });

  it("with the override file next to it", () => {
    const r = load({ "docker-compose.yml": svc("base"), "docker-compose.override.yml": svc("override") }, [], { projectName: "p" });
    expect(image(r)).toBe("override");
    expect(where(r.service("web").image.ref.at)).toBe("docker-compose.override.yml:3:12");
  });

  it("in a folder above the working directory, which then is the project directory", () => {
    const r = load({ "compose.yaml": "services:\n  web:\n    image: x\n    volumes: [./data:/data]\n" }, [], { workingDirectory: "/project/a/b" });
    expect(r.project!.name).toBe("project");
    expect(r.service("web").mounts[0]).toMatchObject({ source: "/project/data" });
    expect(where(r.service("web").at)).toBe("/project/compose.yaml:2:3");
  });

  it("COMPOSE_FILE, a list separated by : (or COMPOSE_PATH_SEPARATOR), relative to the working directory", () => {
    const files = { "base.yml": svc("base"), "prod.yml": svc("prod"), "compose.yaml": svc("default") };
    expect(image(load(files, [], { projectName: "p", environment: { COMPOSE_FILE: "base.yml:prod.yml" } }))).toBe("prod");
    expect(image(load(files, [], { projectName: "p", environment: { COMPOSE_FILE: "prod.yml;base.yml", COMPOSE_PATH_SEPARATOR: ";" } }))).toBe("base");
    expect(image(load({ ...files, ".env": "COMPOSE_FILE=prod.yml\n" }, [], { projectName: "p" }))).toBe("prod");
  });

  it("explicit files win over COMPOSE_FILE", () => {
    expect(
      image(load({ "base.yml": svc("base"), "prod.yml": svc("prod") }, ["base.yml"], { projectName: "p", environment: { COMPOSE_FILE: "prod.yml" } })),
    ).toBe("base");
  });

  it("errors: nothing to find, or a COMPOSE_FILE entry that is missing", () => {
    expect(load({}, [], { projectName: "p" }).errors).toEqual([
      "error missing-input: no compose file in /project or any folder above it (looked for compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml)",
    ]);
    expect(load({ "a.yml": svc("a") }, [], { projectName: "p", environment: { COMPOSE_FILE: "a.yml:b.yml" } }).errors).toEqual([
      "error missing-input: compose file b.yml (from COMPOSE_FILE) not found",
    ]);
  });
});

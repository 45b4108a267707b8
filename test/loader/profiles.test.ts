import { describe, expect, it } from "vitest";
import { load } from "./support.js";

const COMPOSE = `services:
  web:
    image: nginx
  debug:
    image: busybox
    profiles: [debug]
  admin:
    image: adminer
    profiles: [tools, debug]
  web-debug:
    image: nginx
    profiles: [debug]
    depends_on: [debug]
`;

const names = (r: ReturnType<typeof load>) => r.project!.services.map((s) => s.name);

describe("profiles", () => {
  it("a service without profiles is always on; profiled ones only with an active profile", () => {
    expect(names(load({ "compose.yaml": COMPOSE }, ["compose.yaml"], { projectName: "p" }))).toEqual(["web"]);
    expect(names(load({ "compose.yaml": COMPOSE }, ["compose.yaml"], { projectName: "p", profiles: ["tools"] }))).toEqual(["admin", "web"]);
    expect(names(load({ "compose.yaml": COMPOSE }, ["compose.yaml"], { projectName: "p", profiles: ["debug"] }))).toEqual([
      "admin",
      "debug",
      "web",
      "web-debug",
    ]);
  });

  it("* activates every profile", () => {
    expect(names(load({ "compose.yaml": COMPOSE }, ["compose.yaml"], { projectName: "p", profiles: ["*"] }))).toHaveLength(4);
  });

  it("COMPOSE_PROFILES (comma-separated) when no profile is given, from the environment or .env", () => {
    expect(names(load({ "compose.yaml": COMPOSE }, ["compose.yaml"], { projectName: "p", environment: { COMPOSE_PROFILES: "tools, debug" } }))).toHaveLength(4);
    expect(names(load({ "compose.yaml": COMPOSE, ".env": "COMPOSE_PROFILES=tools\n" }, ["compose.yaml"], { projectName: "p" }))).toEqual(["admin", "web"]);
    expect(
      names(load({ "compose.yaml": COMPOSE }, ["compose.yaml"], { projectName: "p", profiles: ["tools"], environment: { COMPOSE_PROFILES: "debug" } })),
    ).toEqual(["admin", "web"]);
  });

  it("an active service that depends on a service whose profiles are off is an error, unless the dependency is not required", () => {
    const text =
      "services:\n  web:\n    image: nginx\n    depends_on:\n      debug:\n        condition: service_started\n  debug:\n    image: busybox\n    profiles: [debug]\n";
    expect(load({ "compose.yaml": text }, ["compose.yaml"], { projectName: "p" }).errors).toEqual([
      'compose.yaml:5:7: error undefined-reference: service "web" depends on "debug", whose profiles are not active',
    ]);
    const optional = text.replace("condition: service_started", "condition: service_started\n        required: false");
    const r = load({ "compose.yaml": optional }, ["compose.yaml"], { projectName: "p" });
    expect(r.errors).toEqual([]);
    expect(names(r)).toEqual(["web"]);
  });

  it("an explicit service list selects those services and what they depend on, profiles or not", () => {
    const r = load({ "compose.yaml": COMPOSE }, ["compose.yaml"], { projectName: "p", services: ["web-debug"] });
    expect(r.errors).toEqual([]);
    expect(names(r)).toEqual(["debug", "web-debug"]);
    expect(load({ "compose.yaml": COMPOSE }, ["compose.yaml"], { projectName: "p", services: ["nope"] }).errors).toEqual([
      'compose.yaml:2:3: error undefined-reference: no such service: "nope"',
    ]);
  });

  it("services left out by a selection are not checked", () => {
    const r = load({ "compose.yaml": "services:\n  ok:\n    image: x\n  broken:\n    build: .\n    prots: []\n" }, ["compose.yaml"], {
      projectName: "p",
      services: ["ok"],
    });
    expect(r.errors).toEqual([]);
    expect(names(r)).toEqual(["ok"]);
  });
});

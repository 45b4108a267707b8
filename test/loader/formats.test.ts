import { describe, expect, it } from "vitest";
import { detectFormat } from "../../src/frontend/2-layers/legacy-format.js";
import { load, where } from "./support.js";
import { containerFlags } from "../../src/emit/flags/docker.js";

describe("version detection, as docker-compose 1.x does it", () => {
  it.each([
    ["no version, services at the top level", { web: { image: "x" } }, "v1"],
    ["a version mapping is a v1 service called version", { version: { image: "x" } }, "v1"],
    ['version "2"', { version: "2", services: {} }, "compose"],
    ['version "2.4"', { version: "2.4", services: {} }, "compose"],
    ['version "3"', { version: "3", services: {} }, "compose"],
    ['version "3.8"', { version: "3.8", services: {} }, "compose"],
    ["the Compose Specification: no version, services:", { services: {} }, "compose"],
    ["no version, only networks:", { networks: { front: {} } }, "compose"],
    ["no version, only volumes:", { volumes: { data: {} } }, "compose"],
    ["a top-level name and include:", { name: "x", include: ["a.yml"] }, "compose"],
  ] as const)("%s", (_name, doc, format) => {
    expect(detectFormat(doc as never)).toBe(format);
  });
});

describe("the four formats load to the same model", () => {
  const body = (indent: string) =>
    [`web:`, `  image: nginx:1.25`, `  ports: ["8080:80"]`, `  environment: [A=1]`, `  links: [db]`, `db:`, `  image: postgres:16`]
      .map((l) => indent + l)
      .join("\n") + "\n";
  const variants = {
    v1: body(""),
    "2.x": `version: "2.4"\nservices:\n${body("  ")}`,
    "3.x": `version: "3.8"\nservices:\n${body("  ")}`,
    spec: `name: shop\nservices:\n${body("  ")}`,
  };

  it.each(Object.entries(variants))("%s", (name, text) => {
    const r = load({ "compose.yaml": text }, ["compose.yaml"], { projectName: "shop" });
    expect(r.errors).toEqual([]);
    const web = r.service("web");
    // v1 files run on Docker's default bridge; later formats on the project's network.
    if (name === "v1") expect([web.networkMode?.kind, web.networks]).toEqual(["bridge", []]);
    else expect([web.networkMode, web.networks.map((n) => n.network)]).toEqual([undefined, ["default"]]);
    expect(web.image.ref.value).toBe("nginx:1.25");
    expect(web.ports.map((p) => `${p.published}:${p.target}/${p.protocol}`)).toEqual(["8080:80/tcp"]);
    expect(web.environment.map((e) => `${e.name}=${e.value}`)).toEqual(["A=1"]);
    expect(web.dependsOn.map((d) => [d.service, d.origin])).toEqual([["db", "links"]]);
  });
});

describe("v1-only keys get their modern meaning", () => {
  const v1 = `web:
  image: nginx
  net: host
  log_driver: syslog
  log_opt:
    tag: web
  external_links:
    - shared_redis:redis
worker:
  image: example/worker
  net: "container:web"
tool:
  image: example/tool
  net: "container:outside"
`;
  const r = load({ "docker-compose.yml": v1 }, ["docker-compose.yml"], { projectName: "p" });

  it("net becomes network_mode, at the place net was written", () => {
    expect(r.errors).toEqual([]);
    expect(r.service("web").networkMode).toMatchObject({ kind: "host", at: { file: "docker-compose.yml", line: 3, column: 8 } });
  });

  it("net: container:NAME of a service in the file means that service, as docker-compose 1.x read it", () => {
    expect(r.service("worker").networkMode).toMatchObject({ kind: "service", service: "web" });
    expect(r.service("worker").dependsOn.map((d) => d.service)).toEqual(["web"]);
    expect(r.service("tool").networkMode).toMatchObject({ kind: "container", container: "outside" });
  });

  it("log_driver and log_opt become logging, external_links a --link", () => {
    const flags = containerFlags(r.service("web")).map((f) => f.argv.join(" "));
    expect(flags).toContain("--log-driver syslog");
    expect(flags).toContain("--log-opt tag=web");
    expect(flags).toContain("--link shared_redis:redis");
  });

  it("dockerfile becomes build.dockerfile (and is then refused like any build without image)", () => {
    const b = load({ "docker-compose.yml": "app:\n  build: .\n  dockerfile: Dockerfile.prod\n" }, ["docker-compose.yml"], { projectName: "p" });
    expect(b.errors).toHaveLength(1);
    expect(b.errors[0]).toMatch(/^docker-compose\.yml:2:3: error unsupported-key: service "app" has build: but no image/);
  });

  it("volume_driver is refused where it is written", () => {
    const b = load({ "docker-compose.yml": "app:\n  image: x\n  volume_driver: flocker\n" }, ["docker-compose.yml"], { projectName: "p" });
    expect(b.errors).toEqual([
      "docker-compose.yml:3:3: error unsupported-key: volume_driver is not supported: declare the volume at the top level with a driver (compose file format 2 or later)",
    ]);
  });

  it("files of different formats cannot be merged", () => {
    const b = load({ "a.yml": "web:\n  image: x\n", "b.yml": "services:\n  web:\n    image: y\n" }, ["a.yml", "b.yml"], { projectName: "p" });
    expect(b.errors).toHaveLength(1);
    expect(b.errors[0]).toMatch(/^b\.yml:1:1: error mixed-formats: b\.yml is in the Compose Specification format but a\.yml is in the version 1 format/);
    expect(where(r.service("web").at)).toBe("docker-compose.yml:1:1");
  });
});

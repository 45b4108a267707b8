import { describe, expect, it } from "vitest";
import { env, load, where } from "./support.js";

describe("include", () => {
  const files = {
    "compose.yaml":
      "include:\n  - db/compose.yaml\n  - path: [cache/compose.yaml, cache/override.yaml]\n    env_file: cache.env\nservices:\n  web:\n    image: web:${TAG}\n    depends_on: [db, cache]\n",
    ".env": "TAG=main\n",
    "db/compose.yaml":
      "services:\n  db:\n    image: postgres:${PG:-15}\n    volumes: [./init:/docker-entrypoint-initdb.d, pgdata:/var/lib/postgresql/data]\n    env_file: db.env\nvolumes:\n  pgdata:\n",
    "db/.env": "PG=16\nTAG=from-db-dotenv\n",
    "db/db.env": "POSTGRES_DB=app\n",
    "cache/compose.yaml": "services:\n  cache:\n    image: redis:${REDIS}\n",
    "cache/override.yaml": "services:\n  cache:\n    command: [redis-server, --save, '']\n",
    "cache.env": "REDIS=7\n",
  };
  const r = load(files, ["compose.yaml"], { projectName: "p" });

  it("brings in each included project's services and resources", () => {
    expect(r.errors).toEqual([]);
    expect(r.project!.services.map((s) => s.name)).toEqual(["cache", "db", "web"]);
    expect(r.project!.volumes.map((v) => v.key)).toEqual(["pgdata"]);
  });

  it("an included project has its own project directory, .env and env_file; the includer's variables win", () => {
    expect(r.service("db").image.ref.value).toBe("postgres:16");
    expect(r.service("web").image.ref.value).toBe("web:main");
    expect(r.service("cache").image.ref.value).toBe("redis:7");
    expect(env(r.service("db"))).toEqual({ POSTGRES_DB: "app" });
    const bind = r.service("db").mounts.find((m) => m.type === "bind");
    expect(bind).toMatchObject({ source: "/project/db/init" });
  });

  it("a path list is a main file and its overrides", () => {
    expect(r.service("cache").command?.value).toEqual(["redis-server", "--save", ""]);
  });

  it("values keep the place in the included file", () => {
    expect(where(r.service("db").image.ref.at)).toBe("db/compose.yaml:3:12");
    expect(where(r.service("db").environment[0]!.at)).toBe("db/db.env:1:1");
  });

  it("a service defined both here and, differently, in an included project is an error", () => {
    const c = load({ ...files, "compose.yaml": "include: [db/compose.yaml]\nservices:\n  db:\n    image: mysql\n" }, ["compose.yaml"], { projectName: "p" });
    expect(c.errors).toEqual(["compose.yaml:3:3: error name-collision: services.db is also defined by the included project db/compose.yaml, differently"]);
  });

  it("an include cycle is an error at the include", () => {
    const c = load(
      { "compose.yaml": "include: [a.yaml]\nservices: {}\n", "a.yaml": "include: [compose.yaml]\nservices:\n  a: {image: x}\n" },
      ["compose.yaml"],
      { projectName: "p" },
    );
    expect(c.errors).toEqual(["a.yaml:1:11: error include-cycle: include cycle: compose.yaml includes a.yaml includes compose.yaml"]);
  });

  it("a missing included file is an error at its path", () => {
    const c = load({ "compose.yaml": "include:\n  - nope/compose.yaml\nservices: {}\n" }, ["compose.yaml"], { projectName: "p" });
    expect(c.errors).toEqual(["compose.yaml:2:5: error missing-input: included file nope/compose.yaml not found"]);
  });

  it("project_directory and env_file of an include entry are relative to the including project", () => {
    const c = load(
      {
        "compose.yaml": "include:\n  - path: stacks/app.yaml\n    project_directory: app\n    env_file: [config/app.env]\nservices: {}\n",
        "stacks/app.yaml": "services:\n  app:\n    image: app:${APP_TAG}\n    volumes: [./data:/data]\n",
        "config/app.env": "APP_TAG=9\n",
      },
      ["compose.yaml"],
      { projectName: "p" },
    );
    expect(c.errors).toEqual([]);
    expect(c.service("app").image.ref.value).toBe("app:9");
    expect(c.service("app").mounts[0]).toMatchObject({ source: "/project/app/data" });
  });

  it("a service may extend a service of an included project", () => {
    const c = load(
      { ...files, "compose.yaml": "include: [db/compose.yaml]\nservices:\n  replica:\n    extends: db\n    command: [postgres, -c, hot_standby=on]\n" },
      ["compose.yaml"],
      {
        projectName: "p",
      },
    );
    expect(c.errors).toEqual([]);
    expect(c.service("replica").image.ref.value).toBe("postgres:16");
  });
});

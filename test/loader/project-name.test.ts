import { describe, expect, it } from "vitest";
import { load } from "./support.js";

const named = (top: string) => `${top}services:\n  web:\n    image: nginx\n`;
const nameOf = (r: ReturnType<typeof load>) => r.project?.name;

describe("project name", () => {
  it("-p wins over COMPOSE_PROJECT_NAME, which wins over name:, which wins over the folder", () => {
    const files = { "My App/compose.yaml": named("name: from-file\n") };
    expect(nameOf(load(files, ["My App/compose.yaml"], { projectName: "cli", environment: { COMPOSE_PROJECT_NAME: "env" } }))).toBe("cli");
    expect(nameOf(load(files, ["My App/compose.yaml"], { environment: { COMPOSE_PROJECT_NAME: "env" } }))).toBe("env");
    expect(nameOf(load(files, ["My App/compose.yaml"]))).toBe("from-file");
    expect(nameOf(load({ "My App/compose.yaml": named("") }, ["My App/compose.yaml"]))).toBe("myapp");
  });

  it("COMPOSE_PROJECT_NAME may come from .env", () => {
    expect(nameOf(load({ "compose.yaml": named(""), ".env": "COMPOSE_PROJECT_NAME=dotenv\n" }, ["compose.yaml"]))).toBe("dotenv");
  });

  it("name: is interpolated, and must then be a valid name (the schema's pattern)", () => {
    expect(nameOf(load({ "compose.yaml": named("name: shop-${STAGE}\n") }, ["compose.yaml"], { environment: { STAGE: "prod" } }))).toBe("shop-prod");
    expect(load({ "compose.yaml": named("name: ${STAGE}\n") }, ["compose.yaml"], { environment: { STAGE: "Prod Shop" } }).errors).toEqual([
      'compose.yaml:1:7: error schema: name: must match pattern "^[a-z0-9][a-z0-9_-]*$"',
    ]);
  });

  it("the folder name is normalized: lowercase, only a-z 0-9 _ -, starting with a letter or digit", () => {
    expect(nameOf(load({ "__My.Cool App!/compose.yaml": named("") }, ["__My.Cool App!/compose.yaml"]))).toBe("mycoolapp");
  });

  it("--project-directory names the project too", () => {
    expect(nameOf(load({ "compose.yaml": named("") }, ["compose.yaml"], { projectDirectory: "/srv/Store" }))).toBe("store");
  });

  it("an invalid -p or COMPOSE_PROJECT_NAME is an error, not silently changed", () => {
    expect(load({ "compose.yaml": named("") }, ["compose.yaml"], { projectName: "My App" }).errors).toEqual([
      'error invalid-project-name: invalid project name "My App": use lowercase letters, digits, "-" and "_", starting with a letter or digit',
    ]);
    expect(load({ "compose.yaml": named("") }, ["compose.yaml"], { environment: { COMPOSE_PROJECT_NAME: "_x" } }).errors).toEqual([
      'error invalid-project-name: invalid COMPOSE_PROJECT_NAME "_x": use lowercase letters, digits, "-" and "_", starting with a letter or digit',
    ]);
  });

  it("a name that normalizes to nothing is an error", () => {
    expect(load({ "___/compose.yaml": named("") }, ["___/compose.yaml"]).errors).toEqual([
      "___/compose.yaml:1:1: error invalid-project-name: cannot derive a project name: set name: or use --project-name",
    ]);
  });
});

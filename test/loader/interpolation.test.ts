import { describe, expect, it } from "vitest";
import { env, load } from "./support.js";

/** Interpolation through the loader: every form, the sources of variables, and where problems are reported. */
describe("interpolation in values", () => {
  const compose = `services:
  app:
    image: \${REGISTRY:-docker.io}/app:\${TAG-latest}
    environment:
      PLAIN: $PLAIN
      BRACED: \${BRACED}
      COLON_DEFAULT: \${EMPTY:-default}
      DASH_DEFAULT: \${EMPTY-kept}
      UNSET_DASH: \${UNSET-dash}
      ALT: \${PLAIN:+alternative}
      ALT_EMPTY: \${EMPTY:+alternative}
      PLUS: \${EMPTY+set-but-empty}
      NESTED: \${UNSET:-\${ALSO_UNSET:-\${PLAIN}}}
      DOLLARS: "$$PLAIN costs $$5"
      \${NOT_A_KEY}: key
`;
  const r = load({ "compose.yaml": compose }, ["compose.yaml"], { projectName: "p", environment: { PLAIN: "plain", BRACED: "braced", EMPTY: "" } });

  it("substitutes every form, nested defaults included, and $$ as a literal $", () => {
    expect(r.errors).toEqual([]);
    const app = r.service("app");
    expect(app.image.ref.value).toBe("docker.io/app:latest");
    expect(env(app)).toEqual({
      PLAIN: "plain",
      BRACED: "braced",
      COLON_DEFAULT: "default",
      DASH_DEFAULT: "",
      UNSET_DASH: "dash",
      ALT: "alternative",
      ALT_EMPTY: "",
      PLUS: "set-but-empty",
      NESTED: "plain",
      DOLLARS: "$PLAIN costs $5",
      "${NOT_A_KEY}": "key",
    });
  });

  it("substitutes a $ that a double-quoted escape writes, as compose does after parsing", () => {
    const r = load({ "compose.yaml": 'services:\n  app:\n    image: "\\x24{REGISTRY}/app"\n' }, ["compose.yaml"], {
      projectName: "p",
      environment: { REGISTRY: "r.example" },
    });
    expect(r.errors).toEqual([]);
    expect(r.service("app").image.ref.value).toBe("r.example/app");
  });

  it("never touches keys", () => {
    expect(r.service("app").environment.map((e) => e.name)).toContain("${NOT_A_KEY}");
  });
});

describe("where variables come from", () => {
  const compose = "services:\n  app:\n    image: app:${TAG}\n    environment:\n      FROM: ${FROM}\n";

  it("the process environment wins over .env in the project directory", () => {
    const r = load({ "compose.yaml": compose, ".env": "TAG=dotenv\nFROM=dotenv\n" }, ["compose.yaml"], { projectName: "p", environment: { FROM: "process" } });
    expect(r.errors).toEqual([]);
    expect(r.service("app").image.ref.value).toBe("app:dotenv");
    expect(env(r.service("app"))).toEqual({ FROM: "process" });
  });

  it("--env-file replaces .env, and later env files win over earlier ones", () => {
    const r = load({ "compose.yaml": compose, ".env": "TAG=dotenv\n", "prod.env": "TAG=prod\nFROM=prod\n", "local.env": "FROM=local\n" }, ["compose.yaml"], {
      projectName: "p",
      envFiles: ["prod.env", "local.env"],
    });
    expect(r.errors).toEqual([]);
    expect(r.service("app").image.ref.value).toBe("app:prod");
    expect(env(r.service("app"))).toEqual({ FROM: "local" });
  });

  it(".env is found next to the first compose file, not the working directory", () => {
    const r = load({ "sub/compose.yaml": compose, "sub/.env": "TAG=sub\nFROM=sub\n", ".env": "TAG=root\n" }, ["sub/compose.yaml"], { projectName: "p" });
    expect(r.service("app").image.ref.value).toBe("app:sub");
  });

  it("values in .env may use the process environment and earlier lines", () => {
    const r = load({ "compose.yaml": compose, ".env": 'BASE=1.2\nTAG="${BASE}-${SUFFIX}"\nFROM=$TAG\n' }, ["compose.yaml"], {
      projectName: "p",
      environment: { SUFFIX: "rc1" },
    });
    expect(r.service("app").image.ref.value).toBe("app:1.2-rc1");
    expect(env(r.service("app"))).toEqual({ FROM: "1.2-rc1" });
  });

  it("COMPOSE_DISABLE_ENV_FILE turns the default .env off", () => {
    const r = load({ "compose.yaml": compose, ".env": "TAG=dotenv\nFROM=x\n" }, ["compose.yaml"], {
      projectName: "p",
      environment: { COMPOSE_DISABLE_ENV_FILE: "1", TAG: "t", FROM: "f" },
    });
    expect(r.service("app").image.ref.value).toBe("app:t");
  });

  it("a missing --env-file is an error", () => {
    const r = load({ "compose.yaml": compose }, ["compose.yaml"], { projectName: "p", envFiles: ["nope.env"] });
    expect(r.errors).toEqual(["error missing-input: env file nope.env not found"]);
  });

  it("an error in .env is reported at its line", () => {
    const r = load({ "compose.yaml": compose, ".env": "OK=1\nBAD NAME=2\n" }, ["compose.yaml"], { projectName: "p" });
    expect(r.errors).toEqual(['.env:2:1: error invalid-env-file: invalid variable name "BAD NAME" (a name cannot contain spaces)']);
  });
});

describe("problems, located", () => {
  it("a required variable that is missing is an error at its value, carrying its message", () => {
    const r = load(
      { "compose.yaml": "services:\n  web:\n    image: nginx\n    environment:\n      KEY: ${API_KEY:?set API_KEY to the production key}\n" },
      ["compose.yaml"],
      {
        projectName: "p",
      },
    );
    expect(r.errors).toEqual(["compose.yaml:5:12: error interpolation: set API_KEY to the production key"]);
  });

  it("${VAR?msg} accepts an empty value, ${VAR:?msg} does not", () => {
    const text = "services:\n  web:\n    image: nginx\n    environment:\n      A: ${E?unset}\n      B: ${E:?empty}\n";
    const r = load({ "compose.yaml": text }, ["compose.yaml"], { projectName: "p", environment: { E: "" } });
    expect(r.errors).toEqual(["compose.yaml:6:10: error interpolation: empty"]);
  });

  it("an error in an override file points into that file", () => {
    const r = load(
      { "compose.yaml": "services:\n  web:\n    image: nginx\n", "override.yaml": "services:\n  web:\n    image: ${IMAGE:?IMAGE is required in production}\n" },
      ["compose.yaml", "override.yaml"],
      { projectName: "p" },
    );
    expect(r.errors).toEqual(["override.yaml:3:12: error interpolation: IMAGE is required in production"]);
  });

  it("an unset variable without default warns once, wherever it is used, and becomes empty", () => {
    const r = load(
      {
        "compose.yaml": "services:\n  web:\n    image: nginx${SUFFIX}\n    environment:\n      - A=${SUFFIX}\n      - B=${OTHER}\n",
        "override.yaml": "services:\n  web:\n    labels:\n      - l=${SUFFIX}\n",
      },
      ["compose.yaml", "override.yaml"],
      { projectName: "p" },
    );
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([
      "compose.yaml:3:12: warning interpolation: variable SUFFIX is not set; substituting an empty string",
      "compose.yaml:6:9: warning interpolation: variable OTHER is not set; substituting an empty string",
    ]);
    expect(r.service("web").image.ref.value).toBe("nginx");
    expect(env(r.service("web"))).toEqual({ A: "", B: "" });
  });

  it("a malformed substitution is an error at its value", () => {
    const r = load({ "compose.yaml": "services:\n  web:\n    image: nginx\n    command: echo ${oops\n" }, ["compose.yaml"], { projectName: "p" });
    expect(r.errors).toEqual([
      'compose.yaml:4:14: error interpolation: invalid substitution of oops at character 12 of the value: "}", ":-", "-", ":?", "?", ":+" or "+" must follow the name',
    ]);
  });
});

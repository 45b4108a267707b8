import { describe, expect, it } from "vitest";
import { compile, formatDiagnostic } from "../src/index.js";

/** Bad input: every problem reported at file:line:col, and no files produced. */
function errorsOf(yaml: string, options: Parameters<typeof compile>[1] = {}): string[] {
  const result = compile({ path: "compose.yml", content: yaml }, { projectName: "t", ...options });
  expect(result.files).toEqual([]);
  return result.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic);
}

describe("dependency errors", () => {
  it("reports a cycle naming every service on it, at a dependency that closes it", () => {
    const errors = errorsOf(`services:
  a:
    image: x
    depends_on: [b]
  b:
    image: x
    links: [c]
  c:
    image: x
    depends_on:
      a:
        condition: service_started
  d:
    image: x
    depends_on: [a]
`);
    expect(errors).toEqual(["compose.yml:4:18: error dependency-cycle: dependency cycle between services: a -> b -> c -> a"]);
  });

  it("reports a service that depends on itself", () => {
    expect(errorsOf("services:\n  a:\n    image: x\n    depends_on: [a]\n")).toEqual([
      "compose.yml:4:18: error dependency-cycle: dependency cycle between services: a -> a",
    ]);
  });

  it("reports each of two separate cycles", () => {
    const errors = errorsOf(`services:
  a: {image: x, depends_on: [b]}
  b: {image: x, depends_on: [a]}
  c: {image: x, volumes_from: [d]}
  d: {image: x, network_mode: "service:c"}
`);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/a -> b -> a/);
    expect(errors[1]).toMatch(/c -> d -> c/);
  });

  it("reports an undefined service at the line of the reference, for every kind of reference", () => {
    const errors = errorsOf(`services:
  web:
    image: nginx
    depends_on:
      - db
    links:
      - cache:redis
    volumes_from:
      - data:ro
    network_mode: service:vpn
`);
    expect(errors).toEqual([
      'compose.yml:5:9: error undefined-reference: service "web" depends on undefined service "db"',
      'compose.yml:7:9: error undefined-reference: service "web" refers to (links) undefined service "cache"',
      'compose.yml:9:9: error undefined-reference: service "web" refers to (volumes_from) undefined service "data"',
      'compose.yml:10:19: error undefined-reference: service "web" refers to (network_mode) undefined service "vpn"',
    ]);
  });

  it("names ipc and pid, not network_mode, for an undefined service they share a namespace with", () => {
    const errors = errorsOf(`services:
  web:
    image: nginx
    ipc: service:shm
    pid: service:tracer
`);
    expect(errors).toEqual([
      'compose.yml:4:10: error undefined-reference: service "web" refers to (ipc) undefined service "shm"',
      'compose.yml:5:10: error undefined-reference: service "web" refers to (pid) undefined service "tracer"',
    ]);
  });

  it("reports undefined networks and volumes", () => {
    const errors = errorsOf(`services:
  web:
    image: nginx
    networks: [front]
    volumes:
      - data:/srv
`);
    expect(errors).toEqual([
      'compose.yml:4:16: error undefined-reference: service "web" uses undefined network "front"',
      'compose.yml:6:9: error undefined-reference: service "web" uses undefined volume "data"; declare it under the top-level volumes:',
    ]);
  });
});

describe("schema errors", () => {
  it("reports every violation, not only the first, each at its own place", () => {
    const errors = errorsOf(`services:
  web:
    image: nginx
    prots:
      - "80:80"
    environment: 42
  db:
    image: [postgres]
bogus: true
`);
    expect(errors).toEqual([
      'compose.yml:4:5: error schema: services.web: unknown key "prots"',
      "compose.yml:6:18: error schema: services.web.environment: must be a list or a mapping",
      "compose.yml:8:12: error schema: services.db.image: must be a string",
      'compose.yml:9:1: error schema: unknown key "bogus"',
    ]);
  });

  it("reports YAML syntax errors with their position", () => {
    const errors = errorsOf("services:\n  web:\n    image: nginx\n   ports: [\n");
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatch(/^compose\.yml:\d+:\d+: error yaml-syntax: /);
  });

  it("reports duplicate keys", () => {
    const errors = errorsOf("services:\n  web:\n    image: nginx\n    image: httpd\n");
    expect(errors[0]).toMatch(/^compose\.yml:4:5: error yaml-syntax: Map keys must be unique/);
  });

  it("points into the v1 format's top-level services too", () => {
    expect(errorsOf("web:\n  image: nginx\n  portz: [80]\n")).toEqual(['compose.yml:3:3: error schema: services.web: unknown key "portz"']);
  });
});

describe("value errors", () => {
  it("rejects bad ports, restart policies and durations at their values", () => {
    const errors = errorsOf(`services:
  web:
    image: nginx
    ports:
      - "80:80:80:80x"
      - "70000:80"
      - "8000-8002:80-81"
    restart: sometimes
    stop_grace_period: soon
`);
    expect(errors).toEqual([
      'compose.yml:5:9: error invalid-port: invalid container port "80x"',
      'compose.yml:6:9: error invalid-port: invalid published port "70000"',
      'compose.yml:7:9: error invalid-port: port ranges "8000-8002" and "80-81" differ in size',
      'compose.yml:8:14: error invalid-value: invalid restart policy "sometimes": expected no, always, unless-stopped or on-failure[:N]',
      'compose.yml:9:24: error invalid-duration: invalid duration "soon" (expected e.g. 10s, 1m30s)',
    ]);
  });

  it("rejects a newline in a command argument: no unit line can carry it", () => {
    const errors = errorsOf('services:\n  web:\n    image: nginx\n    command: ["echo", "a\\nb"]\n');
    expect(errors).toEqual([
      'compose.yml:4:14: error unsafe-value: service "web": value "a\\nb" contains a newline (U+000A), which a systemd unit line cannot carry',
    ]);
  });

  it("rejects a newline in an environment value: docker's --env-file cannot carry it", () => {
    const errors = errorsOf('services:\n  web:\n    image: nginx\n    environment:\n      A: "x\\ny"\n');
    expect(errors).toEqual([
      'compose.yml:5:10: error unsafe-value: service "web": the value of A contains a line break, which docker\'s --env-file cannot carry',
    ]);
  });

  it("carries a required variable's message to its place", () => {
    const errors = errorsOf("services:\n  web:\n    image: ${IMAGE:?set IMAGE to the image to run}\n");
    expect(errors).toEqual(["compose.yml:3:12: error interpolation: set IMAGE to the image to run"]);
  });

  it("rejects build without image, with what to do instead", () => {
    const errors = errorsOf("services:\n  web:\n    build: .\n");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^compose\.yml:3:5: error unsupported-key: service "web" has build: but no image:/);
  });

  it("rejects keys it cannot compile instead of dropping them", () => {
    const errors = errorsOf("services:\n  web:\n    image: nginx\n    annotations: {a: b}\n    deploy:\n      replicas: 3\n");
    expect(errors).toEqual([
      'compose.yml:4:5: error unsupported-key: service "web": annotations need docker 24 or newer (`docker run --annotation`), which the supported hosts lack',
      'compose.yml:6:17: error unsupported-value: service "web": deploy.replicas other than 1 is not supported: each service runs one container under one unit',
    ]);
  });
});

describe("lifecycle hooks", () => {
  it("refuses a relative working_dir and an empty command, each at its value", () => {
    const errors = errorsOf(`services:
  web:
    image: x
    post_start:
      - command: ["reload"]
        working_dir: app
      - command: ""
`);
    expect(errors).toEqual([
      'compose.yml:6:22: error invalid-path: working_dir "app" must be an absolute path',
      "compose.yml:7:18: error missing-key: a post_start hook needs a command",
    ]);
  });

  it("refuses post_start on a one-shot job and an environment value docker cannot carry", () => {
    const errors = errorsOf(`services:
  migrate:
    image: x
    post_start:
      - command: echo done
  web:
    image: x
    depends_on:
      migrate:
        condition: service_completed_successfully
    pre_stop:
      - command: drain
        environment:
          NOTE: "two\\nlines"
`);
    expect(errors).toEqual([
      'compose.yml:5:9: error unsupported-key: service "migrate": post_start hooks need a running container, but a service depends on it with condition: service_completed_successfully, so it runs as a one-shot job',
      'compose.yml:14:17: error unsafe-value: service "web", pre_stop hook 1: the value of NOTE contains a line break, which docker\'s --env-file cannot carry',
    ]);
  });

  it("refuses a container name taken by another service's holder of image volumes", () => {
    const errors = errorsOf(`services:
  db:
    image: postgres
    container_name: db
  other:
    image: x
    container_name: db-image-volumes
`);
    expect(errors).toEqual([
      'compose.yml:5:3: error name-collision: service "other" uses the container name "db-image-volumes", which holds the image volumes of service "db"; rename it',
    ]);
  });
});

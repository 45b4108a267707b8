import { describe, expect, it } from "vitest";
import { env, load, where } from "./support.js";
import { containerFlags } from "../../src/emit/flags/docker.js";

const BASE = `services:
  web:
    image: example/web:1
    command: ["serve", "--dev"]
    entrypoint: ["/init"]
    environment:
      A: "1"
      B: "2"
    labels: [tier=web]
    ports:
      - "8080:80"
      - "127.0.0.1:9000:9000"
    expose: ["3000"]
    volumes:
      - data:/data
      - ./conf:/etc/web
    depends_on: [db]
    networks: [front]
    healthcheck:
      test: ["CMD", "true"]
      interval: 30s
      retries: 3
    secrets: [token]
  db:
    image: postgres:16
networks:
  front:
volumes:
  data:
secrets:
  token:
    environment: TOKEN
`;

const OVERRIDE = `services:
  web:
    image: example/web:2
    command: ["serve"]
    environment:
      - B=20
      - C=3
    labels:
      tier: frontend
      team: core
    ports:
      - published: 8080
        target: 80
      - "127.0.0.1:9000:9000/tcp"
      - "443:443"
    expose: ["3000", "3001"]
    volumes:
      - ./prod-conf:/etc/web:ro
    depends_on:
      cache:
        condition: service_healthy
    networks:
      back:
        aliases: [api]
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost"]
    secrets:
      - source: token
        target: /run/secrets/token
        mode: 0400
  cache:
    image: redis:7
    healthcheck: {test: ["CMD", "redis-cli", "ping"]}
networks:
  back:
`;

describe("merging -f files with the spec's rules", () => {
  const r = load({ "compose.yaml": BASE, "compose.prod.yaml": OVERRIDE }, ["compose.yaml", "compose.prod.yaml"], {
    projectName: "p",
    environment: { TOKEN: "t" },
  });
  const web = () => r.service("web");

  it("loads without errors", () => {
    expect(r.errors).toEqual([]);
  });

  it("scalars are replaced; command, entrypoint and healthcheck.test are replaced whole", () => {
    expect(web().image.ref.value).toBe("example/web:2");
    expect(web().command?.value).toEqual(["serve"]);
    expect(web().entrypoint?.value).toEqual(["/init"]);
    expect(web().healthcheck).toMatchObject({ kind: "exec", argv: ["curl", "-f", "http://localhost"], intervalSeconds: 30, retries: 3 });
  });

  it("environment and labels merge by name, whatever their spelling", () => {
    expect(env(web())).toEqual({ A: "1", B: "20", C: "3" });
    expect(Object.fromEntries(web().labels.map((l) => [l.name, l.value]))).toEqual({ tier: "frontend", team: "core" });
  });

  it("ports are unique by host IP, published port, target and protocol, however spelled", () => {
    expect(web().ports.map((p) => `${p.hostIp ?? ""}:${p.published}:${p.target}/${p.protocol}`)).toEqual([
      ":8080:80/tcp",
      "127.0.0.1:9000:9000/tcp",
      ":443:443/tcp",
    ]);
  });

  it("a redefined port or volume takes the later file's place and position", () => {
    expect(where(web().ports[0]!.at)).toBe("compose.prod.yaml:12:9");
    expect(web().mounts.map((m) => `${m.type}:${m.target}:${"readOnly" in m && m.readOnly}`)).toEqual(["volume:/data:false", "bind:/etc/web:true"]);
    expect(where(web().mounts[1]!.at)).toBe("compose.prod.yaml:18:9");
  });

  it("other sequences append, unique where compose keeps them unique", () => {
    expect(web().expose.map((e) => e.value)).toEqual(["3000", "3001"]);
  });

  it("depends_on and networks merge as mappings, list or not", () => {
    expect(web().dependsOn.map((d) => [d.service, d.condition])).toEqual([
      ["db", "service_started"],
      ["cache", "service_healthy"],
    ]);
    expect(web().networks.map((n) => [n.network, n.aliases])).toEqual([
      ["back", ["api"]],
      ["front", []],
    ]);
  });

  it("secrets and configs are unique by target", () => {
    expect(web().files.map((f) => [f.target, f.mode.toString(8)])).toEqual([["/run/secrets/token", "400"]]);
  });

  it("new services and top-level resources are added", () => {
    expect(r.project!.services.map((s) => s.name)).toEqual(["cache", "db", "web"]);
    expect(r.project!.networks.map((n) => n.key)).toEqual(["back", "default", "front"]);
  });

  it("a value keeps the position of the file it came from", () => {
    expect(where(web().image.ref.at)).toBe("compose.prod.yaml:3:12");
    expect(where(web().entrypoint!.at)).toBe("compose.yaml:5:17");
    expect(where(web().at)).toBe("compose.yaml:2:3");
  });
});

describe("merge tags and special cases", () => {
  it("!reset removes a value, !override replaces instead of merging", () => {
    const r = load(
      {
        "compose.yaml": "services:\n  web:\n    image: x\n    ports: ['80:80']\n    environment: {A: '1', B: '2'}\n    volumes: ['/a', '/b']\n",
        "override.yaml": "services:\n  web:\n    ports: !reset []\n    environment: !override {C: '3'}\n    volumes: !override ['/c']\n",
      },
      ["compose.yaml", "override.yaml"],
      { projectName: "p" },
    );
    expect(r.errors).toEqual([]);
    expect(r.service("web").ports).toEqual([]);
    expect(env(r.service("web"))).toEqual({ C: "3" });
    expect(r.service("web").mounts.map((m) => m.target)).toEqual(["/c"]);
  });

  it("!reset of a whole service removes it", () => {
    const r = load({ "compose.yaml": "services:\n  a: {image: x}\n  b: {image: y}\n", "o.yaml": "services:\n  b: !reset {}\n" }, ["compose.yaml", "o.yaml"], {
      projectName: "p",
    });
    expect(r.project!.services.map((s) => s.name)).toEqual(["a"]);
  });

  it("build: a string and a mapping merge as one mapping", () => {
    const r = load(
      { "compose.yaml": "services:\n  a:\n    image: x\n    build: ./ctx\n", "o.yaml": "services:\n  a:\n    build:\n      dockerfile: Dockerfile.prod\n" },
      ["compose.yaml", "o.yaml"],
      {
        projectName: "p",
      },
    );
    expect(r.errors).toEqual([]);
  });

  it("logging options merge when the driver is the same, and are replaced when it changes", () => {
    const flags = (override: string) => {
      const r = load(
        {
          "compose.yaml": "services:\n  a:\n    image: x\n    logging: {driver: syslog, options: {tag: a, syslog-facility: daemon}}\n",
          "o.yaml": `services:\n  a:\n    logging: ${override}\n`,
        },
        ["compose.yaml", "o.yaml"],
        { projectName: "p" },
      );
      return containerFlags(r.service("a"))
        .map((f) => f.argv.join(" "))
        .filter((f) => f.startsWith("--log"));
    };
    expect(flags("{options: {tag: b}}")).toEqual(["--log-driver syslog", "--log-opt tag=b", "--log-opt syslog-facility=daemon"]);
    expect(flags("{driver: journald, options: {tag: c}}")).toEqual(["--log-driver journald", "--log-opt tag=c"]);
  });

  it("a mapping cannot be merged with a list of another kind: a located error", () => {
    const r = load(
      { "compose.yaml": "services:\n  a:\n    image: x\n    healthcheck: {test: [CMD, 'true']}\n", "o.yaml": "services:\n  a:\n    healthcheck: [nope]\n" },
      ["compose.yaml", "o.yaml"],
      {
        projectName: "p",
      },
    );
    expect(r.errors).toEqual(["o.yaml:3:18: error merge-conflict: services.a.healthcheck: cannot merge a list into a mapping declared at compose.yaml:4:18"]);
  });

  it("a mapping value that is no single value stays itself in the merged list: the schema reports it in its file", () => {
    const r = load(
      {
        "compose.yaml": "services:\n  a:\n    image: x\n    environment: [A=1]\n",
        "o.yaml": "services:\n  a:\n    environment:\n      B: [1]\n      C: {x: 1}\n",
      },
      ["compose.yaml", "o.yaml"],
      { projectName: "p" },
    );
    expect(r.errors).toEqual([
      "o.yaml:4:10: error schema: services.a.environment[1]: must be a string",
      "o.yaml:5:10: error schema: services.a.environment[2]: must be a string",
    ]);
  });

  it("extra_hosts: a host given a list of addresses gives host=address entries when merged", () => {
    const r = load(
      {
        "compose.yaml": "services:\n  a:\n    image: x\n    extra_hosts: ['db=10.0.0.1']\n",
        "o.yaml": "services:\n  a:\n    extra_hosts:\n      cache: [10.0.0.2]\n",
      },
      ["compose.yaml", "o.yaml"],
      { projectName: "p" },
    );
    expect(r.errors).toEqual([]);
    expect(containerFlags(r.service("a")).map((f) => f.argv.join(" "))).toEqual(["--add-host db:10.0.0.1", "--add-host cache:10.0.0.2"]);
  });

  it("duplicates within one file are removed as compose does", () => {
    const r = load({ "compose.yaml": "services:\n  a:\n    image: x\n    ports: ['80:80', '80:80/tcp']\n    environment: [A=1, A=2]\n" }, ["compose.yaml"], {
      projectName: "p",
    });
    expect(r.service("a").ports).toHaveLength(1);
    expect(env(r.service("a"))).toEqual({ A: "2" });
  });
});

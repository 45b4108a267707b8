import { describe, expect, it } from "vitest";
import { env, load, where } from "./support.js";
import { containerFlags } from "../../src/emit/flags/docker.js";

/** Every short syntax ends up in one long form in the model. */
const r = load(
  {
    "compose.yaml": `services:
  web:
    image: nginx
    ports:
      - "80"
      - "8080:80"
      - "127.0.0.1:8443:443/tcp"
      - "[::1]:5353:53/udp"
      - "9000-9002:9000-9002"
      - target: 81
        published: "8081"
        host_ip: 0.0.0.0
        protocol: udp
    volumes:
      - /anonymous
      - data:/data:ro
      - ./conf:/etc/nginx:ro,z
      - type: bind
        source: /srv/static
        target: /static
        read_only: true
      - type: tmpfs
        target: /cache
        tmpfs: {size: 64m}
    depends_on:
      db:
        condition: service_healthy
        required: true
        restart: true
      cache:
        condition: service_started
        required: false
    environment:
      - LIST=1
      - EMPTY=
      - FROM_ENV
    labels:
      com.example.tier: web
    healthcheck:
      test: curl -f http://localhost
      interval: 1m30s
      timeout: 500ms
      start_period: 2h
      retries: 5
    stop_grace_period: 1m
    mem_limit: 512m
    shm_size: 1gb
    links: [db:database]
    volumes_from: [data-container:ro]
  db:
    image: postgres
    environment:
      MAP: value
      NUMBER: 5432
      BOOL: true
      NULL:
    healthcheck: {test: [CMD, pg_isready]}
  cache:
    image: redis
    depends_on: [db]
    network_mode: service:db
    ipc: service:db
    pid: service:web
  data-container:
    image: busybox
volumes:
  data:
`,
  },
  ["compose.yaml"],
  { projectName: "p", projectDirectory: "/srv/p", environment: { FROM_ENV: "env-value" } },
);

describe("normalization into the model", () => {
  it("loads", () => {
    expect(r.errors).toEqual([]);
  });

  it("ports: one mapping each, with host IP, published, target and protocol", () => {
    expect(r.service("web").ports.map(({ at: _at, ...p }) => p)).toEqual([
      { target: "80", protocol: "tcp" },
      { published: "8080", target: "80", protocol: "tcp" },
      { hostIp: "127.0.0.1", published: "8443", target: "443", protocol: "tcp" },
      { hostIp: "::1", published: "5353", target: "53", protocol: "udp" },
      { published: "9000-9002", target: "9000-9002", protocol: "tcp" },
      { hostIp: "0.0.0.0", published: "8081", target: "81", protocol: "udp" },
    ]);
  });

  it("volumes: anonymous, named, bind (relative to the project directory) and tmpfs, long form", () => {
    expect(r.service("web").mounts.map(({ at: _at, ...m }) => m)).toEqual([
      { type: "anonymous", target: "/anonymous", readOnly: false, nocopy: false },
      { type: "volume", volume: "data", target: "/data", readOnly: true, nocopy: false },
      { type: "bind", source: "/srv/p/conf", target: "/etc/nginx", readOnly: true, bind: { selinux: "z" } },
      { type: "bind", source: "/srv/static", target: "/static", readOnly: true, bind: {} },
      { type: "tmpfs", target: "/cache", readOnly: false, size: "64m" },
    ]);
  });

  it("depends_on: condition, required and restart, explicit or defaulted", () => {
    expect(r.service("web").dependsOn.map(({ at: _at, ...d }) => d)).toEqual([
      { service: "db", condition: "service_healthy", required: true, restart: true, origin: "depends_on" },
      { service: "cache", condition: "service_started", required: false, restart: false, origin: "depends_on" },
      { service: "data-container", condition: "service_started", required: true, restart: false, origin: "volumes_from" },
    ]);
  });

  it("links, volumes_from and network_mode/ipc/pid: service:x imply dependencies", () => {
    // Each implied edge names the key that asks for it: pid here, not network_mode.
    expect(r.service("cache").dependsOn.map((d) => [d.service, d.origin])).toEqual([
      ["db", "depends_on"],
      // The edge names the key it came from: pid, not network_mode.
      ["web", "pid"],
    ]);
    expect(r.service("cache").networkMode).toMatchObject({ kind: "service", service: "db" });
    expect(r.service("cache").ipc).toMatchObject({ kind: "service", service: "db" });
    expect(r.service("cache").pid).toMatchObject({ kind: "service", service: "web" });
    // A link to a service that is also in depends_on is one edge; the explicit one keeps its condition.
    expect(r.service("web").links.map((l) => [l.service, l.alias])).toEqual([["db", "database"]]);
  });

  it("environment: lists and mappings, numbers and booleans as text, bare names from the environment or left out", () => {
    expect(env(r.service("web"))).toEqual({ LIST: "1", EMPTY: "", FROM_ENV: "env-value" });
    expect(env(r.service("db"))).toEqual({ MAP: "value", NUMBER: "5432", BOOL: "true" });
    expect(where(r.service("db").environment[1]!.at)).toBe("compose.yaml:54:15");
  });

  it("labels as name and value", () => {
    expect(r.service("web").labels.map((l) => [l.name, l.value])).toEqual([["com.example.tier", "web"]]);
  });

  it("healthcheck: a string test is CMD-SHELL, durations are seconds", () => {
    expect(r.service("web").healthcheck).toMatchObject({
      kind: "shell",
      command: "curl -f http://localhost",
      intervalSeconds: 90,
      timeoutSeconds: 0.5,
      startPeriodSeconds: 7200,
      retries: 5,
    });
    expect(r.service("web").stop.gracePeriodSeconds).toBe(60);
  });

  it("sizes such as 512m and 1gb are checked and handed to docker as written", () => {
    const flags = containerFlags(r.service("web")).map((f) => f.argv.join(" "));
    expect(flags).toContain("--memory 512m");
    expect(flags).toContain("--shm-size 1gb");
  });
});

describe("semantic checks the schema cannot make, each at its value", () => {
  it("image or build, undefined services, networks, volumes, secrets and configs", () => {
    const bad = load(
      {
        "compose.yaml": `services:
  noimage:
    restart: always
  web:
    image: nginx
    depends_on: [ghost]
    networks: [nowhere]
    volumes: [missing:/data]
    secrets: [nosecret]
    configs: [noconfig]
`,
      },
      ["compose.yaml"],
      { projectName: "p" },
    );
    expect(bad.errors).toEqual([
      'compose.yaml:2:3: error missing-key: service "noimage" needs an image',
      'compose.yaml:6:18: error undefined-reference: service "web" depends on undefined service "ghost"',
      'compose.yaml:7:16: error undefined-reference: service "web" uses undefined network "nowhere"',
      'compose.yaml:8:15: error undefined-reference: service "web" uses undefined volume "missing"; declare it under the top-level volumes:',
      'compose.yaml:9:15: error undefined-reference: service uses undefined secret "nosecret"; declare it under the top-level secrets:',
      'compose.yaml:10:15: error undefined-reference: service uses undefined config "noconfig"; declare it under the top-level configs:',
    ]);
  });

  it("~ in a bind source is root's home, with a warning at the source; ~user is refused", () => {
    const tilde = load({
      "compose.yaml":
        "services:\n  web:\n    image: nginx\n    volumes:\n      - ~/data:/data\n      - type: bind\n        source: '~'\n        target: /home\n",
    });
    expect(tilde.service("web").mounts.map((m) => (m.type === "bind" ? m.source : m.type))).toEqual(["/root/data", "/root"]);
    expect(tilde.warnings).toEqual([
      'compose.yaml:5:9: warning home-path: "~/data" is /root/data on the host: the units run as root, whose home is /root; write the absolute path to mean another user\'s home',
      'compose.yaml:7:17: warning home-path: "~" is /root on the host: the units run as root, whose home is /root; write the absolute path to mean another user\'s home',
    ]);
    const other = load({ "compose.yaml": "services:\n  web:\n    image: nginx\n    volumes:\n      - ~bob/data:/data\n" });
    expect(other.errors).toEqual(['compose.yaml:5:9: error home-path: "~bob/data": another user\'s home (~user) is not supported; write the absolute path']);
  });

  it("blkio_config: weights from 10 to 1000, device paths under /dev, byte and operation rates", () => {
    const bad = load({
      "compose.yaml": [
        "services:",
        "  web:",
        "    image: nginx",
        "    blkio_config:",
        "      weight: 5",
        "      weight_device: [{path: /dev/sda, weight: 2000}]",
        "      device_read_bps: [{path: sda, rate: 1mb}]",
        "      device_write_bps: [{path: /dev/sda, rate: fast}]",
        "      device_read_iops: [{path: /dev/sda, rate: '1.5'}]",
        "",
      ].join("\n"),
    });
    expect(bad.errors).toEqual([
      'compose.yaml:5:15: error out-of-range: weight must be a whole number from 10 to 1000 (or 0), not "5"',
      'compose.yaml:6:48: error out-of-range: weight must be a whole number from 10 to 1000 (or 0), not "2000"',
      'compose.yaml:7:32: error invalid-path: device path "sda" must be a device under /dev',
      'compose.yaml:8:49: error invalid-size: rate must be bytes per second such as 12mb or 1048576, not "fast"',
      'compose.yaml:9:49: error invalid-number: rate must be a whole number of operations per second, at most 9223372036854775807, not "1.5"',
    ]);
  });

  it("deploy GPU reservations become --gpus like gpus:, other device capabilities are refused at theirs", () => {
    const r = load({
      "compose.yaml": [
        "services:",
        "  ml:",
        "    image: trainer",
        "    deploy:",
        "      resources:",
        "        reservations:",
        "          devices:",
        "            - {driver: nvidia, count: 1, capabilities: [gpu]}",
        "            - {device_ids: ['0', '3'], capabilities: [gpu, utility]}",
        "",
      ].join("\n"),
    });
    expect(r.errors).toEqual([]);
    expect(containerFlags(r.service("ml")).map((f) => [...f.argv, where(f.at)])).toEqual([
      ["--gpus", 'count=1,"capabilities=gpu",driver=nvidia', "compose.yaml:8:15"],
      ["--gpus", '"device=0,3","capabilities=gpu,utility"', "compose.yaml:9:15"],
    ]);
    const tpu = load({
      "compose.yaml":
        "services:\n  ml:\n    image: trainer\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - capabilities: [tpu]\n",
    });
    expect(tpu.errors).toEqual([
      "compose.yaml:8:15: error unsupported-key: docker run can reserve only GPU devices (capabilities: [gpu], as --gpus); other device capabilities have no flag",
    ]);
  });

  it("attach and develop, which only steer docker compose itself, are ignored with a warning at each", () => {
    const r = load({
      "compose.yaml": "services:\n  web:\n    image: nginx\n    attach: false\n    develop:\n      watch: [{path: ./src, action: sync, target: /app}]\n",
    });
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((w) => w.replace(/: warning unsupported-key: service "web": (\w+) .*/, " $1"))).toEqual([
      "compose.yaml:4:5 attach",
      "compose.yaml:5:5 develop",
    ]);
    expect(containerFlags(r.service("web"))).toEqual([]);
  });

  it("port, duration, size and restart syntax", () => {
    const bad = load(
      {
        "compose.yaml":
          "services:\n  web:\n    image: nginx\n    ports: ['80:80:80x']\n    healthcheck: {test: [CMD, 'true'], interval: often}\n    mem_limit: lots\n    restart: sometimes\n",
      },
      ["compose.yaml"],
      { projectName: "p" },
    );
    expect(bad.errors.map((e) => e.replace(/: error [a-z-]+: .*/, ""))).toEqual([
      "compose.yaml:4:13",
      "compose.yaml:5:50",
      "compose.yaml:6:16",
      "compose.yaml:7:14",
    ]);
  });

  it("a service that depends on a service with errors says so, so that every service is accounted for", () => {
    const bad = load(
      { "compose.yaml": "services:\n  app:\n    build: .\n  web:\n    image: nginx\n    depends_on: [app]\n  edge:\n    image: nginx\n    links: [web]\n" },
      ["compose.yaml"],
      {
        projectName: "p",
      },
    );
    expect(bad.errors).toEqual([
      expect.stringMatching(/^compose\.yaml:3:5: error unsupported-key: service "app" has build: but no image/),
      'compose.yaml:6:18: error undefined-reference: service "web" depends on "app", which has errors',
      'compose.yaml:9:13: error undefined-reference: service "edge" depends on "web", which cannot be compiled either',
    ]);
  });

  it("a malformed service is left out and reported; the others still load", () => {
    const bad = load({ "compose.yaml": "services:\n  good:\n    image: nginx\n  bad:\n    image: nginx\n    prots: [80]\n" }, ["compose.yaml"], {
      projectName: "p",
    });
    expect(bad.errors).toEqual(['compose.yaml:6:5: error schema: services.bad: unknown key "prots"']);
    expect(bad.project!.services.map((s) => s.name)).toEqual(["good"]);
  });
});

describe("extensions", () => {
  it("x- keys under services: are extensions, not services", () => {
    const r = load({ "compose.yaml": "services:\n  x-common: &common\n    image: nginx\n  web:\n    <<: *common\n" }, ["compose.yaml"], { projectName: "p" });
    expect(r.errors).toEqual([]);
    expect(r.project!.services.map((s) => s.name)).toEqual(["web"]);
  });
});

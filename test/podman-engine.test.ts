import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { compile, formatDiagnostic, type CompileOptions } from "../src/index.js";
import { PODMAN_FLAGS } from "../src/emit/flags/podman.js";
import { cliInProcess, projectDir } from "./support/cli-run.js";

/** `--engine podman`: the same units for podman's docker-compatible CLI, and located refusals where it has no equivalent flag. */
function build(yaml: string, options: CompileOptions = {}) {
  return compile({ path: "compose.yml", content: yaml }, { projectName: "t", projectDirectory: "/srv/t", environment: {}, engine: "podman", ...options });
}

function errorsOf(yaml: string, options: CompileOptions = {}): string[] {
  const result = build(yaml, options);
  expect(result.files).toEqual([]);
  return result.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic);
}

function file(yaml: string, path: string, options: CompileOptions = {}): string {
  const result = build(yaml, options);
  expect(result.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic)).toEqual([]);
  const found = result.files.find((f) => f.path === path);
  if (!found) throw new Error(`no ${path} among ${result.files.map((f) => f.path).join(", ")}`);
  return found.content;
}

const lines = (text: string, key: string) => text.split("\n").filter((l) => l.startsWith(`${key}=`));

describe("compose keys podman has no flag for", () => {
  it("are refused at the key, each with the reason, and nothing is written", () => {
    const errors = errorsOf(`services:
  web:
    image: nginx
    links:
      - db:database
    external_links:
      - legacy_redis:redis
    domainname: example.com
    storage_opt:
      size: 10G
    gpus: all
    logging:
      driver: syslog
      options:
        max-file: "3"
        tag: web
  db:
    image: postgres
    networks:
      back:
        link_local_ips: [169.254.8.8]
networks:
  back: {}
`);
    expect(errors).toEqual([
      'compose.yml:5:9: error unsupported-by-engine: service "web": podman has no --link (links, external_links); on a network the service is reachable by its name and aliases',
      'compose.yml:7:9: error unsupported-by-engine: service "web": podman has no --link (links, external_links); on a network the service is reachable by its name and aliases',
      'compose.yml:8:17: error unsupported-by-engine: service "web": podman 4.3 has no --domainname (domainname); put the domain in hostname',
      'compose.yml:10:13: error unsupported-by-engine: service "web": podman has no per-container --storage-opt (storage_opt); its --storage-opt configures the whole storage driver',
      'compose.yml:11:11: error unsupported-by-engine: service "web": podman 4.3 has no --gpus (gpus, deploy device reservations); pass the devices with devices:',
      'compose.yml:13:15: error unsupported-by-engine: service "web": logging driver "syslog" is not one of podman\'s (json-file, journald, none; json-file is its k8s-file)',
      'compose.yml:15:19: error unsupported-by-engine: service "web": podman ignores the logging option "max-file" (it reads only max-size, tag, path)',
      // At the network's entry under the service, which holds the link_local_ips.
      'compose.yml:20:7: error unsupported-by-engine: service "db": podman has no --link-local-ip (link_local_ips)',
    ]);
  });

  it("refuses network settings podman's networks lack, at their keys", () => {
    const errors = errorsOf(`services:
  app:
    image: x
    networks: [mesh, back]
networks:
  mesh:
    driver: overlay
  back:
    driver_opts:
      com.docker.network.bridge.name: br-back
    ipam:
      driver: custom-ipam
      options:
        foo: bar
      config:
        - subnet: 10.9.0.0/16
          aux_addresses:
            router: 10.9.0.2
`);
    expect(errors).toEqual([
      'compose.yml:7:13: error unsupported-by-engine: network "t_mesh": network driver "overlay" is not one of podman\'s (bridge, macvlan, ipvlan)',
      'compose.yml:10:39: error unsupported-by-engine: network "t_back": podman networks have no option "com.docker.network.bridge.name" (they take mtu, vlan, isolate, parent, mode)',
      'compose.yml:12:15: error unsupported-by-engine: network "t_back": IPAM driver "custom-ipam" is not one of podman\'s (host-local, dhcp, none)',
      'compose.yml:14:14: error unsupported-by-engine: network "t_back": podman has no --ipam-opt (ipam options)',
      'compose.yml:18:21: error unsupported-by-engine: network "t_back": podman has no --aux-address (ipam aux_addresses)',
    ]);
  });

  it("refuses values podman would read as its own syntax where docker reads them literally", () => {
    const errors = errorsOf(`services:
  web:
    image: nginx
    entrypoint: ['["/bin/sh"]', "-c"]
    healthcheck:
      test: ["CMD-SHELL", "none"]
`);
    expect(errors).toEqual([
      'compose.yml:4:17: error unsupported-by-engine: service "web": podman reads the entrypoint "["/bin/sh"]" as a JSON list (entrypoint)',
      'compose.yml:6:7: error unsupported-by-engine: service "web": podman reads the health command "none" as its own syntax (healthcheck)',
    ]);
  });

  it("are compiled for docker from the very same file", () => {
    const result = build("services:\n  web:\n    image: nginx\n    domainname: example.com\n    links: [db]\n  db:\n    image: postgres\n", {
      engine: "docker",
    });
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(result.files.find((f) => f.path === "t-web.service")!.content).toContain(" --domainname example.com ");
  });
});

describe("flags podman spells differently", () => {
  it("puts the runtime before the subcommand and keeps a read-only root without podman's extra tmpfs mounts", () => {
    const unit = file("services:\n  web:\n    image: nginx\n    runtime: crun\n    read_only: true\n", "t-web.service");
    expect(lines(unit, "ExecStartPre").find((l) => l.startsWith("ExecStartPre=/usr/bin/podman ") && l.includes(" create "))).toBe(
      "ExecStartPre=/usr/bin/podman --runtime crun create --rm --name t-web-1 --pull never --network t_default --network-alias web --volumes-from t-web-1-image-volumes --stop-timeout 10 --read-only --read-only-tmpfs=false -- nginx",
    );
  });

  it("renames docker's network options and drops what is podman's default anyway", () => {
    const unit = file(
      `services:
  app: {image: x, networks: [lan, vlan]}
networks:
  lan:
    attachable: true
    driver_opts: {com.docker.network.driver.mtu: "1400"}
    ipam: {driver: default, config: [{subnet: 10.8.0.0/16}]}
  vlan:
    driver: macvlan
    driver_opts: {parent: eth0, macvlan_mode: private}
`,
      "t-network-lan.service",
    );
    expect(unit).toMatch(/ ensure-network t_lan --opt mtu=1400 --subnet 10\.8\.0\.0\/16\n/);
    const vlan = file(
      "services:\n  app: {image: x, networks: [vlan]}\nnetworks:\n  vlan:\n    driver: macvlan\n    driver_opts: {parent: eth0, macvlan_mode: private}\n",
      "t-network-vlan.service",
    );
    expect(vlan).toMatch(/ ensure-network t_vlan --driver macvlan --opt parent=eth0 --opt mode=private\n/);
  });

  it("gives registry credentials to pulls as --authfile, not docker's --config folder", () => {
    const unit = file("services:\n  web:\n    image: registry.example.com/web:1\n    pull_policy: always\n", "t-web.service", { registryAuth: '{"auths":{}}' });
    expect(unit).toContain('ExecStartPre=/bin/sh -c "/usr/bin/podman pull --authfile /etc/compose2units/t/docker/config.json -- \\"$$1\\" ||');
    expect(unit).toContain("pull-always registry.example.com/web:1\n");
    expect(unit).not.toContain("--config");
  });

  it("creates missing bind-mount sources, which dockerd does itself and podman refuses", () => {
    const yaml =
      "services:\n  web:\n    image: nginx\n    volumes: ['./html:/usr/share/nginx/html:ro', './html:/srv/html', 'data:/data']\nvolumes:\n  data: {}\n";
    const unit = file(yaml, "t-web.service");
    expect(lines(unit, "ExecStartPre")).toContain(
      'ExecStartPre=/bin/sh -c "for p do [ -e \\"$$p\\" ] || /bin/mkdir -p \\"$$p\\" || exit; done" create-bind-sources /srv/t/html',
    );
    const docker = build(yaml, { engine: "docker" }).files.find((f) => f.path === "t-web.service")!.content;
    expect(docker).not.toContain("create-bind-sources");
  });

  it("asks podman's inspect for health in the fields podman 4.3 fills", () => {
    const unit = file(
      "services:\n  db:\n    image: postgres\n    healthcheck: {test: pg_isready}\n  web:\n    image: nginx\n    depends_on: {db: {condition: service_healthy}}\n",
      "t-web.service",
    );
    expect(unit).toContain(
      `/usr/bin/podman container inspect --format '{{if and .Config.Healthcheck (ne (index .Config.Healthcheck.Test 0) \\"NONE\\")}}{{or .State.Health.Status \\"starting\\"}}{{else}}none{{end}}'`,
    );
  });
});

describe("units without a daemon", () => {
  const yaml = "services:\n  web:\n    image: nginx\n    networks: [front]\n    volumes: ['data:/data']\nnetworks:\n  front: {}\nvolumes:\n  data: {}\n";
  const result = build(yaml);

  it("never mention docker.service, and containers wait for the network as podman's own units do", () => {
    for (const f of result.files.filter((x) => /\.(service|target|timer)$/.test(x.path))) expect(f.content, f.path).not.toMatch(/docker/);
    const web = result.files.find((f) => f.path === "t-web.service")!.content;
    expect(lines(web, "Wants")).toEqual(["Wants=network-online.target"]);
    expect(lines(web, "After")).toEqual(["After=network-online.target", "After=t-network-front.service", "After=t-volume-data.service"]);
    expect(lines(web, "Requires")).toEqual(["Requires=t-network-front.service", "Requires=t-volume-data.service"]);
    const network = result.files.find((f) => f.path === "t-network-front.service")!.content;
    expect(network).not.toMatch(/^(Requires|Wants|After)=/m);
  });

  it("run /usr/bin/podman for every step, the scripts included", () => {
    const script = (name: string) => result.files.find((f) => f.path.endsWith(name))!.content;
    expect(script("-image-cleanup.sh")).toContain("\n/usr/bin/podman image prune --force\n");
    expect(script("-hold-image-volumes.sh")).toContain("\nwant=$(/usr/bin/podman image inspect ");
    expect(script("-hold-image-volumes.sh")).not.toContain("docker ");
  });

  it("install the podman package and enable no daemon", () => {
    const doc = parse(build(yaml, { installDocker: "podman" }).files.find((f) => f.path === "cloud-config.yaml")!.content);
    expect(doc.packages).toEqual(["podman"]);
    expect(doc.runcmd[1]).toEqual(["systemctl", "enable", "t-web.service", "t.target", "t-image-cleanup.timer"]);
  });

  it("warn when told to install docker.io for podman", () => {
    const warnings = build(yaml, { installDocker: "docker.io" }).diagnostics.map(formatDiagnostic);
    expect(warnings).toEqual(["warning conflicting-options: install-docker installs docker.io, but the units run podman: name its package (podman)"]);
  });
});

describe("the podman flag table", () => {
  /** docker flags written in a source file, as "--name" string literals. */
  const flagsIn = (path: string) => [...readFileSync(new URL(`../src/${path}`, import.meta.url), "utf8").matchAll(/"(--[a-z0-9-]+)"/g)].map((m) => m[1]!);

  it("decides about every flag the emitters build for containers", () => {
    // The front end spells no docker flag: every one is in the docker table or the create command.
    const normalize = readdirSync(new URL("../src/frontend/8-normalize/", import.meta.url)).filter((f) => f.endsWith(".ts"));
    expect(normalize.flatMap((f) => flagsIn(`frontend/8-normalize/${f}`))).toEqual([]);
    // docker.ts holds the container flags first, then those of network and volume creation.
    const docker = readFileSync(new URL("../src/emit/flags/docker.ts", import.meta.url), "utf8");
    const forContainers = docker.slice(0, docker.indexOf("export function networkCreateFlags"));
    const flags = new Set([...[...forContainers.matchAll(/"(--[a-z0-9-]+)"/g)].map((m) => m[1]!), ...flagsIn("emit/systemd/docker-create.ts")]);
    expect(flags.size).toBeGreaterThan(50);
    const known = new Set([...Object.keys(PODMAN_FLAGS.create), ...Object.keys(PODMAN_FLAGS["network connect"])]);
    expect([...flags].filter((f) => !known.has(f))).toEqual([]);
  });

  it("decides about every flag of network and volume creation", () => {
    const docker = readFileSync(new URL("../src/emit/flags/docker.ts", import.meta.url), "utf8");
    const creating = docker.slice(docker.indexOf("export function networkCreateFlags"));
    const flags = new Set([...creating.matchAll(/"(--[a-z0-9-]+)"/g)].map((m) => m[1]!));
    expect(flags.size).toBeGreaterThan(10);
    const known = new Set([...Object.keys(PODMAN_FLAGS["network create"]), ...Object.keys(PODMAN_FLAGS["volume create"])]);
    expect([...flags].filter((f) => !known.has(f))).toEqual([]);
  });
});

describe("--engine on the command line", () => {
  async function run(args: string[]) {
    const dir = projectDir({ "compose.yaml": "services:\n  web:\n    image: nginx:1.25\n" }, "c2u-engine-");
    return { ...(await cliInProcess(args, dir)), dir };
  }

  it("compiles for podman, and a bare --install-docker installs podman", async () => {
    const r = await run(["compose.yaml", "-p", "site", "-o", "out", "--engine", "podman", "--install-docker"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(readFileSync(join(r.dir, "out", "site-web.service"), "utf8")).toContain("ExecStart=/usr/bin/podman start --attach -- site-web-1\n");
    expect(parse(readFileSync(join(r.dir, "out", "cloud-config.yaml"), "utf8")).packages).toEqual(["podman"]);
  });

  it("refuses an engine it does not know, as a usage error", async () => {
    const r = await run(["compose.yaml", "-o", "out", "--engine", "containerd"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--engine.*containerd.*docker, podman/);
  });
});

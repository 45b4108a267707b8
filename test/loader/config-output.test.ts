import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { goDuration, projectToYaml } from "../../src/emit/compose-yaml.js";
import { load } from "./support.js";

const COMPOSE = `name: shop
services:
  web:
    image: nginx:1.25
    command: nginx -g 'daemon off;'
    environment: [B=2, A=$$literal]
    ports: ["127.0.0.1:8080:80"]
    volumes: ["./html:/usr/share/nginx/html:ro", "cache:/cache"]
    depends_on:
      api: {condition: service_healthy}
    links: [api:backend]
    restart: on-failure:3
    healthcheck: {test: [CMD, "true"], interval: 1m30s, timeout: 500ms}
    cap_add: [NET_ADMIN]
    post_start:
      - {command: "reload --all", user: "101", privileged: true, working_dir: /etc/nginx, environment: {MODE: warm}}
    pre_stop:
      - command: [nginx, -s, quit]
  api:
    image: example/api
    restart: "no"
    healthcheck: {test: [CMD, "true"]}
volumes:
  cache:
`;

describe("the normalized model as YAML, like docker compose config", () => {
  const r = load({ "compose.yaml": COMPOSE }, ["compose.yaml"], { projectDirectory: "/srv/shop" });
  const text = projectToYaml(r.project!);
  const doc = parse(text) as {
    name: string;
    services: Record<string, Record<string, unknown>>;
    volumes: Record<string, unknown>;
    networks: Record<string, unknown>;
  };

  it("lists lifecycle hooks in long form, their commands split into words", () => {
    expect(doc.services.web!.post_start).toEqual([
      { command: ["reload", "--all"], user: "101", privileged: true, working_dir: "/etc/nginx", environment: { MODE: "warm" } },
    ]);
    expect(doc.services.web!.pre_stop).toEqual([{ command: ["nginx", "-s", "quit"] }]);
  });

  it("is YAML with the project's name, services, networks and volumes", () => {
    expect(r.errors).toEqual([]);
    expect(doc.name).toBe("shop");
    expect(Object.keys(doc.services)).toEqual(["api", "web"]);
    expect(doc.volumes).toEqual({ cache: { name: "shop_cache" } });
    expect(doc.networks).toEqual({ default: { name: "shop_default" } });
  });

  it("writes every service in long form", () => {
    const web = doc.services.web!;
    expect(web).toMatchObject({
      container_name: "shop-web-1",
      image: "nginx:1.25",
      command: ["nginx", "-g", "daemon off;"],
      environment: { A: "$$literal", B: "2" },
      ports: [{ target: 80, published: "8080", host_ip: "127.0.0.1", protocol: "tcp" }],
      volumes: [
        { type: "bind", source: "/srv/shop/html", target: "/usr/share/nginx/html", read_only: true },
        { type: "volume", source: "cache", target: "/cache" },
      ],
      links: ["api:backend"],
      depends_on: { api: { condition: "service_healthy", required: true, restart: false } },
      restart: "on-failure:3",
      stop_grace_period: "10s",
      healthcheck: { test: ["CMD", "true"], interval: "1m30s", timeout: "500ms" },
      cap_add: ["NET_ADMIN"],
    });
    expect(doc.services.api!.restart).toBe("no");
  });

  it("quotes what YAML 1.1 readers would take for something else", () => {
    expect(text).toContain('restart: "no"');
  });

  it("loads back to the same model", () => {
    const again = load({ "compose.yaml": text }, ["compose.yaml"], { projectDirectory: "/srv/shop" });
    expect(again.errors).toEqual([]);
    const strip = (v: unknown): unknown =>
      JSON.parse(
        JSON.stringify(v, (k, x) => {
          if (k === "at") return undefined;
          return x;
        }),
      );
    expect(strip(again.project)).toEqual(strip(r.project));
  });

  it.each([
    [0, "0s"],
    [0.5, "500ms"],
    [10, "10s"],
    [90, "1m30s"],
    [3600, "1h0m0s"],
    [1.5, "1.5s"],
  ])("writes %s seconds as %s", (seconds, text) => {
    expect(goDuration(seconds)).toBe(text);
  });
});

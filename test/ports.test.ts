import { describe, expect, it } from "vitest";
import { compile } from "../src/index.js";

function ports(entries: string): string[] {
  const r = compile({ path: "c.yml", content: `services:\n  s:\n    image: x\n    ports:\n${entries}` }, { projectName: "p" });
  expect(r.diagnostics).toEqual([]);
  const unit = r.files.find((f) => f.path === "p-s.service")!.content;
  return [...unit.matchAll(/--publish (\S+)/g)].map((m) => m[1]!);
}

describe("ports, short and long syntax, as docker run --publish", () => {
  it("covers every short form", () => {
    expect(
      ports(`      - 3000
      - "3001-3003"
      - "8000:8000"
      - "9090-9091:8080-8081"
      - "127.0.0.1:8001:8001"
      - "127.0.0.1::5000"
      - "6060:6060/udp"
      - "[::1]:6001:6001"
      - "::1:6002:6002"
      - "8080-8090:80"
`),
    ).toEqual([
      "3000/tcp",
      "3001-3003/tcp",
      "8000:8000/tcp",
      "9090-9091:8080-8081/tcp",
      "127.0.0.1:8001:8001/tcp",
      "127.0.0.1::5000/tcp",
      "6060:6060/udp",
      "[::1]:6001:6001/tcp",
      "[::1]:6002:6002/tcp",
      "8080-8090:80/tcp",
    ]);
  });

  it("covers the long form", () => {
    expect(
      ports(`      - target: 80
        published: "8080"
        host_ip: 127.0.0.1
        protocol: udp
      - target: 443
`),
    ).toEqual(["127.0.0.1:8080:80/udp", "443/tcp"]);
  });
});

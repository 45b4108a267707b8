import { describe, expect, it } from "vitest";
import { checkPort, parseExposedPort, parsePort } from "../../src/frontend/short-syntax/port.js";

function value(text: string) {
  const r = parsePort(text);
  if (!r.ok) throw new Error(`${text}: ${r.reason}`);
  return r.value;
}

function reason(text: string): string {
  const r = parsePort(text);
  if (r.ok) throw new Error(`${text} parsed as ${JSON.stringify(r.value)}`);
  return r.reason;
}

describe("the port short syntax, [[HOST_IP:][HOST_PORT]:]CONTAINER_PORT[/PROTOCOL]", () => {
  it("reads every form docker takes", () => {
    expect(value("3000")).toEqual({ target: "3000", protocol: "tcp" });
    expect(value("3001-3003")).toEqual({ target: "3001-3003", protocol: "tcp" });
    expect(value("8000:80")).toEqual({ target: "80", published: "8000", protocol: "tcp" });
    expect(value("9090-9091:8080-8081")).toEqual({ target: "8080-8081", published: "9090-9091", protocol: "tcp" });
    expect(value("8080-8090:80")).toEqual({ target: "80", published: "8080-8090", protocol: "tcp" });
    expect(value("127.0.0.1:8001:8001")).toEqual({ target: "8001", published: "8001", hostIp: "127.0.0.1", protocol: "tcp" });
    expect(value("127.0.0.1::5000")).toEqual({ target: "5000", hostIp: "127.0.0.1", protocol: "tcp" });
    expect(value("6060:6060/udp")).toEqual({ target: "6060", published: "6060", protocol: "udp" });
    expect(value("53/UDP")).toEqual({ target: "53", protocol: "udp" });
    expect(value("9/sctp")).toEqual({ target: "9", protocol: "sctp" });
    expect(value(" 80:80 ")).toEqual({ target: "80", published: "80", protocol: "tcp" });
  });

  it("reads IPv6 hosts bracketed or bare, the bare one being all before the last two fields", () => {
    expect(value("[::1]:6001:6001")).toEqual({ target: "6001", published: "6001", hostIp: "::1", protocol: "tcp" });
    expect(value("::1:6002:6002")).toEqual({ target: "6002", published: "6002", hostIp: "::1", protocol: "tcp" });
    expect(value("[fe80::1]::80/udp")).toEqual({ target: "80", hostIp: "fe80::1", protocol: "udp" });
    expect(value("2001:db8::1:8080:80")).toEqual({ target: "80", published: "8080", hostIp: "2001:db8::1", protocol: "tcp" });
  });

  it("reads an empty host IP as none, as docker does", () => {
    expect(value(":8080:80")).toEqual({ target: "80", published: "8080", protocol: "tcp" });
    expect(value("::80")).toEqual({ target: "80", protocol: "tcp" });
  });

  it("refuses what docker refuses, with the messages normalization reports", () => {
    const shape = "expected [[HOST_IP:]HOST_PORT:]CONTAINER_PORT[/PROTOCOL]";
    expect(reason("[::1]:80")).toBe(`invalid port "[::1]:80": ${shape}`);
    expect(reason("[::1:80:80")).toBe(`invalid port "[::1:80:80": ${shape}`);
    expect(reason("[::1]:1:2:3")).toBe(`invalid port "[::1]:1:2:3": ${shape}`);
    expect(reason("80x")).toBe('invalid container port "80x"');
    expect(reason("")).toBe('invalid container port ""');
    expect(reason("70000:80")).toBe('invalid published port "70000"');
    expect(reason("80:65536")).toBe('invalid container port "65536"');
    expect(reason("http:80")).toBe('invalid published port "http"');
    expect(reason("90-80")).toBe('invalid container port "90-80"');
    expect(reason("8000-8002:80-81")).toBe('port ranges "8000-8002" and "80-81" differ in size');
    expect(reason("80/icmp")).toBe('invalid protocol "icmp": expected tcp, udp or sctp');
    expect(reason("80/")).toBe('invalid protocol "": expected tcp, udp or sctp');
    expect(reason("localhost:80:80")).toBe('invalid host IP "localhost"');
  });

  it("checks the long syntax's fields by the same rules", () => {
    expect(checkPort({ target: "80", published: "8080", hostIp: "127.0.0.1", protocol: "UDP" })).toEqual({
      ok: true,
      value: { target: "80", published: "8080", hostIp: "127.0.0.1", protocol: "udp" },
    });
    expect(checkPort({ target: "80", published: undefined, hostIp: "", protocol: "tcp" })).toEqual({ ok: true, value: { target: "80", protocol: "tcp" } });
    expect(checkPort({ target: "", published: undefined, hostIp: undefined, protocol: "tcp" })).toEqual({ ok: false, reason: 'invalid container port ""' });
  });

  it("reads expose entries: a port or range with an optional protocol", () => {
    for (const ok of ["3000", "8000-8010", "53/udp", "9/sctp", "65535/tcp"]) expect(parseExposedPort(ok)).toEqual({ ok: true, value: ok });
    for (const bad of ["", "x", "70000", "90-80", "80/icmp", "80/TCP", "80:80"])
      expect(parseExposedPort(bad)).toEqual({ ok: false, reason: `invalid exposed port "${bad}"` });
  });
});

import { describe, expect, it } from "vitest";
import { parseLink } from "../../src/frontend/short-syntax/link.js";
import { parseNamespaceReference } from "../../src/frontend/short-syntax/reference.js";
import { parseVolumesFrom } from "../../src/frontend/short-syntax/volumes-from.js";

describe("service: and container: in network_mode, ipc and pid", () => {
  it("reads the prefix and keeps any other value as a mode", () => {
    expect(parseNamespaceReference("service:db")).toEqual({ ok: true, value: { kind: "service", name: "db" } });
    expect(parseNamespaceReference("container:vpn-1")).toEqual({ ok: true, value: { kind: "container", name: "vpn-1" } });
    for (const mode of ["host", "none", "bridge", "shareable", "private", "services:x", "Service:x"]) {
      expect(parseNamespaceReference(mode)).toEqual({ ok: true, value: { kind: "mode", mode } });
    }
  });

  it("takes everything after the prefix as the name", () => {
    expect(parseNamespaceReference("container:a:b")).toEqual({ ok: true, value: { kind: "container", name: "a:b" } });
  });

  it("refuses a prefix with no name", () => {
    expect(parseNamespaceReference("service:")).toEqual({ ok: false, reason: '"service:" needs a service name after it' });
    expect(parseNamespaceReference("container:")).toEqual({ ok: false, reason: '"container:" needs a container name after it' });
  });
});

describe("links and external_links, NAME[:ALIAS]", () => {
  it("defaults the alias to the name", () => {
    expect(parseLink("db")).toEqual({ ok: true, value: { name: "db", alias: "db" } });
    expect(parseLink("db:database")).toEqual({ ok: true, value: { name: "db", alias: "database" } });
    expect(parseLink("project_db_1:db")).toEqual({ ok: true, value: { name: "project_db_1", alias: "db" } });
  });

  it("refuses what docker's --link refuses", () => {
    expect(parseLink("a:b:c")).toEqual({ ok: false, reason: 'invalid link "a:b:c": expected NAME or NAME:ALIAS' });
    expect(parseLink("")).toEqual({ ok: false, reason: 'invalid link "": the name before the colon is empty' });
    expect(parseLink(":db")).toEqual({ ok: false, reason: 'invalid link ":db": the name before the colon is empty' });
    expect(parseLink("db:")).toEqual({ ok: false, reason: 'invalid link "db:": the alias after the colon is empty' });
  });
});

describe("volumes_from, SERVICE[:ro|rw] or container:NAME[:ro|rw]", () => {
  const ok = (kind: "service" | "container", name: string, readOnly: boolean) => ({ ok: true, value: { source: { kind, name }, readOnly } });

  it("reads services and containers with their mode", () => {
    expect(parseVolumesFrom("data")).toEqual(ok("service", "data", false));
    expect(parseVolumesFrom("data:ro")).toEqual(ok("service", "data", true));
    expect(parseVolumesFrom("data:rw")).toEqual(ok("service", "data", false));
    expect(parseVolumesFrom("container:store")).toEqual(ok("container", "store", false));
    expect(parseVolumesFrom("container:store:ro")).toEqual(ok("container", "store", true));
  });

  it("reads a leading container: as the prefix, as compose does", () => {
    expect(parseVolumesFrom("container:ro")).toEqual(ok("container", "ro", false));
    // Without a colon it is a service that happens to be named container.
    expect(parseVolumesFrom("container")).toEqual(ok("service", "container", false));
  });

  it("refuses other modes and extra fields", () => {
    const reason = (text: string) => ({ ok: false, reason: `invalid volumes_from "${text}": expected SERVICE[:ro|rw] or container:NAME[:ro|rw]` });
    for (const bad of ["", ":ro", "data:z", "data:ro:x", "container:", "container:store:rw:x", "container:store:z"])
      expect(parseVolumesFrom(bad)).toEqual(reason(bad));
  });
});

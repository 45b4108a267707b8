import { describe, expect, it } from "vitest";
import { isHostPath, parseVolume } from "../../src/frontend/short-syntax/volume.js";

function value(text: string) {
  const r = parseVolume(text);
  if (!r.ok) throw new Error(`${text}: ${r.reason}`);
  return r.value;
}

function reason(text: string): string {
  const r = parseVolume(text);
  if (r.ok) throw new Error(`${text} parsed as ${JSON.stringify(r.value)}`);
  return r.reason;
}

describe("the volume short syntax, [SOURCE:]TARGET[:MODES]", () => {
  it("reads a target alone as an anonymous volume", () => {
    expect(value("/data")).toEqual({ type: "volume", target: "/data", readOnly: false });
    expect(value("/var/lib/x")).toEqual({ type: "volume", target: "/var/lib/x", readOnly: false });
  });

  it("reads /path:MODES as an anonymous volume with modes, as docker's -v does", () => {
    expect(value("/data:ro")).toEqual({ type: "volume", target: "/data", readOnly: true });
    expect(value("/data:ro,nocopy")).toEqual({ type: "volume", target: "/data", readOnly: true, volume: { nocopy: true } });
  });

  it("tells binds from named volumes by the source, as compose does", () => {
    for (const source of ["/srv/data", "./data", "../data", ".", "..", ".hidden", "~", "~/data", "~bob/data"]) {
      expect(value(`${source}:/data`)).toEqual({ type: "bind", source, target: "/data", readOnly: false });
    }
    expect(value("data:/data")).toEqual({ type: "volume", source: "data", target: "/data", readOnly: false });
    expect(value("my-volume_1.x:/data:rw")).toEqual({ type: "volume", source: "my-volume_1.x", target: "/data", readOnly: false });
  });

  it("types every mode word, bind options on named volumes too", () => {
    expect(value("./conf:/etc/nginx:ro,z")).toEqual({ type: "bind", source: "./conf", target: "/etc/nginx", readOnly: true, bind: { selinux: "z" } });
    expect(value("/a:/b:rshared,Z")).toEqual({ type: "bind", source: "/a", target: "/b", readOnly: false, bind: { propagation: "rshared", selinux: "Z" } });
    expect(value("data:/d:nocopy,cached")).toEqual({
      type: "volume",
      source: "data",
      target: "/d",
      readOnly: false,
      volume: { nocopy: true },
      consistency: "cached",
    });
    expect(value("data:/d:z")).toMatchObject({ type: "volume", bind: { selinux: "z" } });
    for (const p of ["shared", "slave", "private", "rshared", "rslave", "rprivate"]) expect(value(`/a:/b:${p}`).bind).toEqual({ propagation: p });
    for (const c of ["cached", "delegated", "consistent"]) expect(value(`/a:/b:${c}`).consistency).toBe(c);
  });

  it("keeps a Windows drive or pipe in one field, so it is not split at its colon", () => {
    expect(value("C:\\data:/data")).toEqual({ type: "bind", source: "C:\\data", target: "/data", readOnly: false });
    expect(value("c:/data:/data:ro")).toEqual({ type: "bind", source: "c:/data", target: "/data", readOnly: true });
    expect(value("\\\\.\\pipe\\docker_engine:\\\\.\\pipe\\inside")).toMatchObject({ type: "bind", source: "\\\\.\\pipe\\docker_engine" });
    expect(value("data:D:\\target")).toEqual({ type: "volume", source: "data", target: "D:\\target", readOnly: false });
    // Compose reads a one-letter name before a colon as a drive, so the entry is one target.
    expect(value("v:/data")).toEqual({ type: "volume", target: "v:/data", readOnly: false });
  });

  it("refuses what compose or docker refuses, with the reason", () => {
    expect(reason("")).toMatch(/at least a target/);
    expect(reason("/a:/b:ro:x")).toMatch(/too many colons/);
    expect(reason("ab:cd:ro:x")).toMatch(/too many colons/);
    expect(reason(":/data")).toMatch(/empty section/);
    expect(reason("/a::ro")).toMatch(/empty section/);
    expect(reason("data:/data:")).toMatch(/empty section/);
    expect(reason("data:/data:bogus")).toBe(
      'unknown mode "bogus": expected ro, rw, z, Z, a propagation (shared, slave, private and their r forms), nocopy, cached, delegated or consistent',
    );
    expect(reason("data:/data:ro,")).toMatch(/unknown mode ""/);
    expect(reason("data:/data:RO")).toMatch(/unknown mode "RO"/);
  });

  it("refuses contradicting or repeated modes, which docker refuses at start", () => {
    expect(reason("/a:/b:ro,rw")).toBe('modes "ro" and "rw" contradict each other');
    expect(reason("/a:/b:z,Z")).toBe('modes "z" and "Z" contradict each other');
    expect(reason("/a:/b:shared,private")).toBe('modes "shared" and "private" contradict each other');
    expect(reason("/a:/b:cached,delegated")).toBe('modes "cached" and "delegated" contradict each other');
    expect(reason("/a:/b:ro,ro")).toBe('mode "ro" is given twice');
  });

  it("leaves the target as written: whether it is absolute is normalization's to say", () => {
    expect(value("data:relative")).toEqual({ type: "volume", source: "data", target: "relative", readOnly: false });
  });

  it("isHostPath follows compose's rule", () => {
    expect(["/x", "./x", "~", "C:\\x", "d:/x", "\\\\server\\share"].map(isHostPath)).toEqual([true, true, true, true, true, true]);
    expect(["x", "data", "my_vol", "1"].map(isHostPath)).toEqual([false, false, false, false]);
  });
});

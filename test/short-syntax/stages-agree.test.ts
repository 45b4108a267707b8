import { describe, expect, it } from "vitest";
import { load } from "../loader/support.js";

/** Every stage that reads a short form (merge, rebasing, service selection, normalization) reads it with one parser. */
describe("short syntax read the same way by every stage", () => {
  it("merge keeps volumes unique by the target normalization reads, a target with modes included", () => {
    const r = load(
      {
        "compose.yaml": "services:\n  web:\n    image: x\n    volumes: ['/srv/a:/data:ro,z', '/logs:ro']\n",
        "override.yaml": "services:\n  web:\n    volumes: ['/srv/b:/data', '/logs']\n",
      },
      ["compose.yaml", "override.yaml"],
      { projectName: "p" },
    );
    expect(r.errors).toEqual([]);
    expect(r.service("web").mounts.map((m) => [m.type, m.target, "source" in m ? m.source : ""])).toEqual([
      ["bind", "/data", "/srv/b"],
      ["anonymous", "/logs", ""],
    ]);
  });

  it("rebasing resolves every relative bind source compose resolves, against the file that wrote it", () => {
    const r = load(
      {
        "compose.yaml": "services:\n  web:\n    extends: {file: lib/base.yaml, service: base}\n",
        "lib/base.yaml": "services:\n  base:\n    image: x\n    volumes: ['.hidden:/a', './conf:/b:ro', '/abs:/c']\n",
      },
      ["compose.yaml"],
      { projectName: "p", projectDirectory: "/srv/p" },
    );
    expect(r.errors).toEqual([]);
    expect(r.service("web").mounts.map((m) => (m.type === "bind" ? `${m.source}:${m.target}` : m.type))).toEqual([
      "/project/lib/.hidden:/a",
      "/project/lib/conf:/b",
      "/abs:/c",
    ]);
  });

  it("service selection follows the references normalization reads", () => {
    const r = load(
      {
        "compose.yaml": `services:
  web:
    image: x
    links: ["db:database"]
    volumes_from: ["container:outside", "data:ro"]
    ipc: service:shm
  db: {image: x}
  data: {image: x}
  shm: {image: x}
  other: {image: x}
`,
      },
      ["compose.yaml"],
      { projectName: "p", services: ["web"] },
    );
    expect(r.errors).toEqual([]);
    expect(r.project!.services.map((s) => s.name).sort()).toEqual(["data", "db", "shm", "web"]);
  });

  it("reports a bad entry at its place with the parser's reason", () => {
    const r = load(
      {
        "compose.yaml": `services:
  web:
    image: x
    volumes:
      - C:\\data:/data
      - v:/data
      - /a:/b:ro,rw
    links: ["db:a:b"]
    external_links: [":x"]
    volumes_from: ["db:ro:x"]
    pid: "service:"
  db: {image: x}
`,
      },
      ["compose.yaml"],
      { projectName: "p" },
    );
    expect(r.errors).toEqual([
      'compose.yaml:5:9: error invalid-volume: "C:\\data" is a Windows path; the units run on a Linux host: write the path on the host',
      'compose.yaml:6:9: error invalid-volume: volume target "v:/data" must be an absolute path; docker compose reads "v:" as a Windows drive, so a one-letter volume name cannot be used in the short syntax',
      'compose.yaml:7:9: error invalid-volume: invalid volume "/a:/b:ro,rw": modes "ro" and "rw" contradict each other',
      'compose.yaml:8:13: error invalid-reference: invalid link "db:a:b": expected NAME or NAME:ALIAS',
      'compose.yaml:9:22: error invalid-reference: invalid link ":x": the name before the colon is empty',
      'compose.yaml:10:20: error invalid-reference: invalid volumes_from "db:ro:x": expected SERVICE[:ro|rw] or container:NAME[:ro|rw]',
      'compose.yaml:11:10: error invalid-reference: invalid pid "service:": "service:" needs a service name after it',
    ]);
  });
});

import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { compile, formatDiagnostic } from "../src/index.js";
import { TOOLS, cloudInitSchema, toolMissing, writeFiles } from "./support/real-tools.js";
import { REAL } from "./support/real-tag.js";

const COMPOSE = `services:
  web:
    image: nginx:1.25
    environment:
      PAGE: "${"x".repeat(3000)}"
  worker:
    image: busybox
    command: ["sh", "-c", "sleep infinity"]
`;

interface WriteFile {
  path: string;
  permissions: string;
  owner: string;
  encoding?: string;
  content: string;
}

function document(text: string): { write_files: WriteFile[]; runcmd: string[][] } {
  expect(text.startsWith("#cloud-config\n")).toBe(true);
  return parse(text);
}

describe("the cloud-config document", () => {
  const result = compile({ path: "compose.yml", content: COMPOSE }, { projectName: "site" });
  const text = result.files.find((f) => f.path === "cloud-config.yaml")!.content;
  const doc = document(text);

  it("installs every generated file at its path with its permissions", () => {
    const installed = result.files.filter((f) => f.installPath);
    expect(doc.write_files.map((w) => [w.path, w.permissions, w.content])).toEqual(installed.map((f) => [f.installPath, f.permissions, f.content]));
    expect(doc.write_files.find((w) => w.path === "/etc/compose2units/site/web.env")!.permissions).toBe("0600");
    expect(doc.write_files.find((w) => w.path === "/usr/local/sbin/site-image-cleanup")!.permissions).toBe("0755");
  });

  it("enables the stack and the cleanup timer and starts them without blocking boot", () => {
    expect(doc.runcmd).toEqual([
      ["systemctl", "daemon-reload"],
      ["systemctl", "enable", "site-web.service", "site-worker.service", "site.target", "site-image-cleanup.timer"],
      ["systemctl", "start", "--no-block", "site.target", "site-image-cleanup.timer"],
    ]);
  });

  describe("over the user-data limit", () => {
    const small = compile({ path: "compose.yml", content: COMPOSE }, { projectName: "site", maxUserData: 6000 });
    const compressedText = small.files.find((f) => f.path === "cloud-config.yaml")!.content;
    const compressed = document(compressedText);

    it("gzips the files that shrink, says so with the sizes, and still fits", () => {
      expect(small.diagnostics.map(formatDiagnostic)).toEqual([
        `warning user-data-size: the cloud-config would be ${Buffer.byteLength(text)} bytes, over the 6000-byte user-data limit; large files are gzip-compressed, ${Buffer.byteLength(compressedText)} bytes in all`,
      ]);
      expect(Buffer.byteLength(compressedText)).toBeLessThanOrEqual(6000);
      const packed = compressed.write_files.filter((w) => w.encoding === "gzip+base64").map((w) => w.path);
      expect(packed).toContain("/etc/compose2units/site/web.env");
      for (const w of compressed.write_files) {
        const original = doc.write_files.find((p) => p.path === w.path)!;
        const content = w.encoding ? gunzipSync(Buffer.from(w.content, "base64")).toString("utf8") : w.content;
        expect(content).toBe(original.content);
      }
    });

    it("still compresses, and warns, when compression brings it closer but not under the limit", () => {
      const limit = Buffer.byteLength(compressedText) - 1;
      const near = compile({ path: "compose.yml", content: COMPOSE }, { projectName: "site", maxUserData: limit });
      expect(near.diagnostics.map(formatDiagnostic)).toEqual([
        `warning user-data-size: the cloud-config is ${Buffer.byteLength(compressedText)} bytes even with large files gzip-compressed, over the ${limit}-byte user-data limit; ship the files another way (a provisioning bundle) or raise the limit`,
      ]);
      expect(near.files.find((f) => f.path === "cloud-config.yaml")!.content).toBe(compressedText);
    });

    it("leaves the files as they are, and warns, when no compression could make it fit", () => {
      const tiny = compile({ path: "compose.yml", content: COMPOSE }, { projectName: "site", maxUserData: 100 });
      expect(tiny.diagnostics.map(formatDiagnostic)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^warning user-data-size: the cloud-config is ${Buffer.byteLength(text)} bytes, over the 100-byte user-data limit, and would still be over it with every file compressed \\(at least \\d+ bytes\\); ship the files another way`,
          ),
        ),
      ]);
      expect(tiny.files.find((f) => f.path === "cloud-config.yaml")!.content).toBe(text);
    });

    it.skipIf(toolMissing(TOOLS.cloudInit))("passes cloud-init schema compressed", { tags: [REAL] }, () => {
      const dir = writeFiles(small.files);
      const r = cloudInitSchema(join(dir, "cloud-config.yaml"));
      expect(r.stdout + r.stderr).toMatch(/Valid cloud-config/);
      expect(r.status).toBe(0);
    });
  });
});

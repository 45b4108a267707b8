// @module-tag real
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { TOOLS, cloudInitSchema, toolMissing } from "./support/real-tools.js";

const BIN = new URL("../bin/compose2units", import.meta.url).pathname;
const SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

function cli(args: string[], cwd: string) {
  const r = spawnSync(BIN, args, { cwd, encoding: "utf8", env: { PATH: process.env.PATH } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "c2u-host-"));
  writeFileSync(join(dir, "compose.yaml"), "services:\n  web:\n    image: nginx:1.25\n");
  writeFileSync(join(dir, "auth.json"), '{"auths":{}}\n');
  return dir;
}

describe("cloud-config and host flags", () => {
  it("--nocloud writes a NoCloud seed whose user-data is the cloud-config, and cloud-init accepts it", () => {
    const dir = project();
    const r = cli(["compose.yaml", "-p", "site", "-o", "out", "--nocloud", "seed", "--install-docker", "--registry-auth", "auth.json"], dir);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, "seed", "user-data"), "utf8")).toBe(readFileSync(join(dir, "out", "cloud-config.yaml"), "utf8"));
    expect(statSync(join(dir, "seed", "user-data")).mode & 0o777).toBe(0o600);
    const digest = createHash("sha256")
      .update(readFileSync(join(dir, "seed", "user-data")))
      .digest("hex")
      .slice(0, 12);
    expect(readFileSync(join(dir, "seed", "meta-data"), "utf8")).toBe(`instance-id: site-${digest}\n`);
    const doc = parse(readFileSync(join(dir, "seed", "user-data"), "utf8"));
    expect(doc.packages).toEqual(["docker.io"]);
    expect(doc.write_files.find((w: { path: string }) => w.path === "/etc/compose2units/site/docker/config.json").permissions).toBe("0600");
    if (!toolMissing(TOOLS.cloudInit)) expect(cloudInitSchema(join(dir, "seed", "user-data")).status).toBe(0);
  });

  it("--nocloud names the instance after the document, so a changed stack re-provisions a VM that booted an older seed", () => {
    const dir = project();
    const instanceId = () => {
      expect(cli(["compose.yaml", "-p", "site", "-o", "out", "--nocloud", "seed"], dir).status).toBe(0);
      return readFileSync(join(dir, "seed", "meta-data"), "utf8");
    };
    const first = instanceId();
    expect(instanceId()).toBe(first);
    writeFileSync(join(dir, "compose.yaml"), "services:\n  web:\n    image: nginx:1.27\n");
    expect(instanceId()).not.toBe(first);
  });

  it("--cloud-config-flavor coreos and --bundle-url reach the output", () => {
    const dir = project();
    const r = cli(
      ["compose.yaml", "-p", "site", "-o", "out", "--cloud-config-flavor", "coreos", "--bundle-url", "https://files.example.com/b.tgz", "--bundle-sha256", SHA],
      dir,
    );
    expect(r.status).toBe(0);
    const doc = parse(readFileSync(join(dir, "out", "cloud-config.yaml"), "utf8"));
    expect(doc.coreos.units.map((u: { name: string }) => u.name)).toContain("site-provision.service");
    expect(readFileSync(join(dir, "out", "site-web.service"), "utf8")).toMatch(/^Requires=site-provision\.service$/m);
  });

  it.skipIf(toolMissing(TOOLS.cloudInit))("--max-user-data compresses, and the result is still valid", () => {
    const dir = project();
    const r = cli(["compose.yaml", "-p", "site", "-o", "out", "--max-user-data", "2000"], dir);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^warning user-data-size: /m);
    expect(cloudInitSchema(join(dir, "out", "cloud-config.yaml")).status).toBe(0);
  });

  it("--cloud-config-base merges host settings before the compose file's x-cloud-config and ours", () => {
    const dir = project();
    writeFileSync(join(dir, "base.yaml"), "timezone: UTC\npackages: [htop]\nruncmd:\n  - [echo, base]\n");
    writeFileSync(join(dir, "compose.yaml"), "services:\n  web:\n    image: nginx:1.25\nx-cloud-config:\n  timezone: Europe/Paris\n  packages: [htop, curl]\n");
    expect(cli(["compose.yaml", "-p", "site", "-o", "out", "--cloud-config-base", "base.yaml", "--install-docker"], dir).status).toBe(0);
    const doc = parse(readFileSync(join(dir, "out", "cloud-config.yaml"), "utf8"));
    expect(doc.timezone).toBe("Europe/Paris");
    expect(doc.packages).toEqual(["htop", "curl", "docker.io"]);
    expect(doc.runcmd[0]).toEqual(["echo", "base"]);
    expect(doc.runcmd.at(-1)).toEqual(["systemctl", "start", "--no-block", "site.target", "site-image-cleanup.timer"]);
    writeFileSync(join(dir, "bad.yaml"), "- just\n- a list\n");
    const bad = cli(["compose.yaml", "-o", "out2", "--cloud-config-base", "bad.yaml"], dir);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/bad\.yaml must be a YAML mapping of cloud-config keys/);
  });

  it("rejects unusable flags with exit 2 and writes nothing", () => {
    const dir = project();
    const cases = [
      [["--bundle-url", "https://files.example.com/b.tgz"], /--bundle-url and --bundle-sha256 go together/],
      [["--max-user-data", "lots"], /expected a whole number of bytes/],
      [["--cloud-config-flavor", "ignition"], /Allowed choices are cloud-init, coreos/],
      [["--registry-auth", "missing.json"], /cannot read registry credentials missing\.json/],
    ] as const;
    for (const [flags, message] of cases) {
      const r = cli(["compose.yaml", "-o", "out", ...flags], dir);
      expect(r.status, flags.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(existsSync(join(dir, "out"))).toBe(false);
  });

  it("checks the NoCloud folder before writing anything", () => {
    const dir = project();
    mkdirSync(join(dir, "seed"));
    writeFileSync(join(dir, "seed", "mine.txt"), "keep");
    const r = cli(["compose.yaml", "-o", "out", "--nocloud", "seed"], dir);
    expect(r.status).toBe(2);
    expect(existsSync(join(dir, "out"))).toBe(false);
    expect(readFileSync(join(dir, "seed", "mine.txt"), "utf8")).toBe("keep");
  });
});

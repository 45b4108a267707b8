#!/usr/bin/env node
// Installs what compose2units needs to build and test, and nothing that is already there:
// npm packages with `npm ci`, and (unless --npm-only) the Debian tools the tests check output with.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";

const npmOnly = process.argv.includes("--npm-only");
const root = new URL("..", import.meta.url).pathname;

function run(cmd, args) {
  console.error(`setup: ${cmd} ${args.join(" ")}`);
  execFileSync(cmd, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
}

const installedLock = `${root}node_modules/.package-lock.json`;
if (!existsSync(installedLock) || statSync(`${root}package-lock.json`).mtimeMs > statSync(installedLock).mtimeMs) {
  run("npm", ["ci", "--no-audit", "--no-fund"]);
}

if (!npmOnly) {
  // Each tool the tests use, and the Debian package that provides it.
  const tools = [
    ["/usr/bin/systemd-analyze", "systemd"],
    ["/usr/bin/cloud-init", "cloud-init"],
    ["/usr/bin/shellcheck", "shellcheck"],
    // systemd-analyze verify checks that ExecStart's binary exists; Debian's docker.io puts it here.
    ["/usr/bin/docker", "docker.io"],
    // ... and podman's, for the fixtures compiled with --engine podman; its --help is what their flags are checked against.
    ["/usr/bin/podman", "podman"],
    // The end-to-end tests (test/e2e) run the generated units for real: Debian's dockerd on the
    // host, a systemd booted in systemd-nspawn from a debootstrapped rootfs, images built from
    // busybox-static (no registry is reachable), and docker-compose 1.29 to compare against.
    ["/usr/sbin/dockerd", "docker.io"],
    ["/usr/bin/systemd-nspawn", "systemd-container"],
    ["/usr/sbin/debootstrap", "debootstrap"],
    // Debian's dynamic busybox also installs /bin/busybox: look for the static package itself.
    ["/var/lib/dpkg/info/busybox-static.list", "busybox-static"],
    ["/usr/bin/docker-compose", "docker-compose"],
  ];
  const missing = [...new Set(tools.filter(([path]) => !existsSync(path)).map(([, pkg]) => pkg))];
  if (missing.length > 0) {
    const isRoot = process.getuid?.() === 0;
    const sudo = !isRoot && spawnSync("sudo", ["-n", "true"]).status === 0;
    if (isRoot || sudo) {
      const prefix = isRoot ? [] : ["-n"];
      const apt = (args) => (isRoot ? run("apt-get", args) : run("sudo", [...prefix, "apt-get", ...args]));
      apt(["update", "-qq"]);
      apt(["install", "-y", "-qq", "--no-install-recommends", ...missing]);
    } else {
      console.error(`setup: cannot install ${missing.join(", ")} (needs root); tests that need them will be skipped outside CI`);
    }
  }
}

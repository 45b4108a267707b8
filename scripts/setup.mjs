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

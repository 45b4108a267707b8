import { chmodSync, chownSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { parse } from "yaml";
import type { OutputFile } from "../../../src/index.js";
import type { Machine } from "./nspawn.js";

interface WriteFile {
  path: string;
  content?: string;
  permissions?: string;
  owner?: string;
  encoding?: string;
}

export interface CloudConfig {
  readonly writeFiles: readonly WriteFile[];
  /** runcmd entries; a list is an argv, a string is a shell command line. */
  readonly runcmd: readonly (string | string[])[];
}

/** The generated cloud-config, read as cloud-init reads it. */
export function readCloudConfig(files: readonly OutputFile[]): CloudConfig {
  const file = files.find((f) => f.path === "cloud-config.yaml");
  if (!file) throw new Error("compile produced no cloud-config.yaml");
  if (!file.content.startsWith("#cloud-config\n")) throw new Error("cloud-config.yaml does not start with #cloud-config");
  const doc = parse(file.content) as { write_files?: WriteFile[]; runcmd?: (string | string[])[] };
  return { writeFiles: doc.write_files ?? [], runcmd: doc.runcmd ?? [] };
}

/**
 * Does to `root` (the machine's file system) what cloud-init's write_files
 * does to a VM: each file at its path, parent folders created as needed
 * (cloud-init makes them with the default mode, 0755), the content decoded,
 * the permissions and owner set. The file list comes from the cloud-config
 * itself, so what is tested is what a VM would get.
 */
export function writeFilesInto(root: string, config: CloudConfig): void {
  for (const f of config.writeFiles) {
    if (!f.path.startsWith("/")) throw new Error(`write_files path ${f.path} is not absolute`);
    const target = join(root, f.path);
    mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
    writeFileSync(target, decode(f));
    chmodSync(target, Number.parseInt(f.permissions ?? "0644", 8));
    const [user, group] = (f.owner ?? "root:root").split(":");
    if (user !== "root" || (group ?? "root") !== "root") throw new Error(`write_files owner ${f.owner} is not root: the machine has no other users to map`);
    chownSync(target, 0, 0);
  }
}

/** A write_files entry's content as cloud-init writes it to disk, its encoding undone. */
export function decode(f: WriteFile): Buffer {
  const content = f.content ?? "";
  switch (f.encoding ?? "text/plain") {
    case "text/plain":
      return Buffer.from(content, "utf8");
    case "b64":
    case "base64":
      return Buffer.from(content, "base64");
    case "gz+b64":
    case "gzip+base64":
    case "gz+base64":
    case "gzip+b64":
      return gunzipSync(Buffer.from(content, "base64"));
    default:
      throw new Error(`write_files ${f.path}: encoding ${f.encoding} is not one cloud-init knows`);
  }
}

/**
 * cloud-init's final stage: each runcmd entry in order, inside the machine.
 * cloud-init writes them into a shell script (a list entry becomes one
 * quoted command line) and carries on past a failing one; here a failing
 * entry fails the test at once, with its output.
 */
export async function runRuncmd(machine: Machine, config: CloudConfig): Promise<void> {
  for (const entry of config.runcmd) {
    const argv = typeof entry === "string" ? ["/bin/sh", "-c", entry] : entry;
    await machine.mustExec(argv);
  }
}

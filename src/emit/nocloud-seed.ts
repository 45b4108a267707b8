import { createHash } from "node:crypto";
import type { OutputFile } from "./output-file.js";

/**
 * A seed for cloud-init's NoCloud datasource: the cloud-config as user-data,
 * and meta-data naming the instance. cloud-init runs write_files and runcmd
 * once per instance-id, so the id carries a digest of the document: a
 * changed stack re-provisions a VM that booted an earlier seed, and the same
 * stack keeps the same id. No local-hostname: the VM keeps its own name.
 */
export function nocloudSeed(cloudConfig: OutputFile, projectName: string): OutputFile[] {
  const digest = createHash("sha256").update(cloudConfig.content).digest("hex").slice(0, 12);
  return [
    { path: "meta-data", content: `instance-id: ${projectName}-${digest}\n`, permissions: "0644" },
    { path: "user-data", content: cloudConfig.content, permissions: "0600" },
  ];
}

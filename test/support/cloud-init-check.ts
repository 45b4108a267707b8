import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CompileOptions, CompileResult } from "../../src/index.js";
import { cloudInitRead, type CloudInitReading } from "./real-tools.js";

/**
 * The rule for every cloud-config: what cloud-init installs is byte for byte
 * what compose2units wrote, and the document has only the top-level keys
 * compose2units meant. Judged with cloud-init's own reader (real-tools.ts).
 */

export interface Compiled {
  readonly label: string;
  readonly result: CompileResult;
  readonly options: CompileOptions;
}

/** The top-level keys the document should have: ours, and those of the host settings given. */
function meantKeys({ result, options }: Compiled): string[] {
  const coreos = options.cloudConfigFlavor === "coreos";
  const keys = new Set([...Object.keys(options.cloudConfigBase ?? {}), ...Object.keys(result.project?.hostConfig?.value ?? {})]);
  for (const k of coreos ? ["write_files", "coreos"] : ["write_files", "runcmd"]) keys.add(k);
  if (options.installDocker !== undefined && !coreos) keys.add("packages");
  return [...keys].sort();
}

/** The differences between what cloud-init read and what compose2units wrote; none is the rule. */
function differences(compiled: Compiled, reading: CloudInitReading): string[] {
  if (reading.error !== undefined) return [`cloud-init cannot read it: ${reading.error}`];
  const out: string[] = [];
  const keys = meantKeys(compiled);
  if (JSON.stringify(reading.keys) !== JSON.stringify(keys)) out.push(`top-level keys ${JSON.stringify(reading.keys)}, meant ${JSON.stringify(keys)}`);
  const coreos = compiled.options.cloudConfigFlavor === "coreos";
  const installed = compiled.result.files.filter((f) => f.installPath !== undefined);
  const isUnit = (path: string) => path.startsWith("/etc/systemd/system/");
  const viaUnits = coreos ? installed.filter((f) => isUnit(f.installPath!)) : [];
  const viaFiles = coreos ? installed.filter((f) => !isUnit(f.installPath!)) : installed;
  // Host settings' own write_files come first; ours are the last entries.
  const files = (reading.files ?? []).slice(-viaFiles.length || Infinity);
  if (files.length !== viaFiles.length) out.push(`${files.length} write_files entries of ours, ${viaFiles.length} files installed`);
  viaFiles.forEach((f, i) => {
    const entry = files[i];
    if (!entry) return;
    if (entry.path !== f.installPath) out.push(`entry ${i} installs ${JSON.stringify(entry.path)}, meant ${JSON.stringify(f.installPath)}`);
    if (entry.permissions !== f.permissions) out.push(`${f.path}: permissions ${entry.permissions}, meant ${f.permissions}`);
    if (entry.owner !== "root:root") out.push(`${f.path}: owner ${entry.owner}`);
    if (!Buffer.from(entry.content, "base64").equals(Buffer.from(f.content))) out.push(`${f.path}: cloud-init writes other bytes than ${f.path} holds`);
  });
  const units = reading.units ?? [];
  if (units.length !== viaUnits.length) out.push(`${units.length} coreos units, ${viaUnits.length} meant`);
  viaUnits.forEach((f, i) => {
    const unit = units[i];
    if (unit && (unit.name !== f.path || !Buffer.from(unit.content, "base64").equals(Buffer.from(f.content)))) out.push(`coreos unit ${f.path} differs`);
  });
  if (!coreos) {
    const runcmd = (reading.runcmd as unknown[] | undefined) ?? [];
    const ours = runcmd.slice(-3);
    if (!ours.every((c) => Array.isArray(c) && c[0] === "systemctl" && c.every((w) => typeof w === "string" && /^[\w@.:-]+$/.test(w))))
      out.push(`runcmd ends ${JSON.stringify(ours)}`);
  }
  return out;
}

/** Writes each document into `scratch`, reads them all in one cloud-init process, and returns every difference, labelled. */
export function readBackWithCloudInit(all: readonly Compiled[], scratch: string): string[] {
  const paths = all.map((c, i) => {
    const path = join(scratch, `${i}.yaml`);
    writeFileSync(path, c.result.files.find((f) => f.path === "cloud-config.yaml")!.content);
    return path;
  });
  const readings = cloudInitRead(paths);
  return all.flatMap((c, i) => differences(c, readings[i]!).map((d) => `${c.label}: ${d}`));
}

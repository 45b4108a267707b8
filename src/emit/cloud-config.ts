import { gzipSync } from "node:zlib";
import type { DiagnosticBag } from "../diagnostics.js";
import type { Project } from "../model/project.js";
import { checkCloudConfigText, type HostSettings } from "./cloud-config-text.js";
import { cloudConfigYaml, readableByCloudInit } from "./cloud-config-yaml.js";
import { engineNamed } from "./engine.js";
import { UNIT_DIR, cleanupUnitName, serviceUnitName, targetUnitName } from "./layout.js";
import type { HostOptions } from "./host-options.js";
import type { OutputFile } from "./output-file.js";

/** EC2 refuses user-data over 16 KB. */
export const DEFAULT_MAX_USER_DATA = 16 * 1024;

export interface CloudConfigOptions {
  /** Bytes the document may take before file contents are compressed; EC2's limit by default. */
  readonly maxUserData?: number;
  /**
   * `cloud-init` (default): units in `write_files`, enabled and started from
   * `runcmd`. `coreos`: units under `coreos: units:` as coreos-cloudinit
   * reads them (seed 002), other files in `write_files`.
   */
  readonly cloudConfigFlavor?: "cloud-init" | "coreos";
  /**
   * Host settings to merge into the document (packages, users with
   * ssh_authorized_keys, timezone, ssh settings...), like a top-level
   * `x-cloud-config` in the compose file, which is merged after these.
   */
  readonly cloudConfigBase?: { readonly [key: string]: unknown };
}

/**
 * A `#cloud-config` user-data document that installs every generated file
 * with `write_files` (early, before units start) and then enables and starts
 * the stack from `runcmd`. runcmd runs late in boot, while multi-user.target
 * is still being reached: a blocking `systemctl start` there can deadlock, so
 * the starts are queued with --no-block. A document over the size limit is
 * written again with each file that shrinks gzipped (cloud-init's
 * `encoding: gzip+base64`), when that can bring it under the limit.
 */
export function cloudConfig(
  project: Project,
  installed: readonly OutputFile[],
  header: readonly string[],
  options: CloudConfigOptions & HostOptions,
  diagnostics: DiagnosticBag,
): string | undefined {
  const limit = options.maxUserData ?? DEFAULT_MAX_USER_DATA;
  const coreos = options.cloudConfigFlavor === "coreos";
  const renderFlavor = coreos ? renderCoreos : renderCloudInit;
  const settings: HostSettings[] = [];
  if (options.cloudConfigBase) settings.push({ value: options.cloudConfigBase, name: "the cloud-config base" });
  if (project.hostConfig) settings.push({ value: project.hostConfig.value, at: project.hostConfig.at, name: "x-cloud-config" });
  const bases = settings.map((s) => s.value);
  const unitTexts = coreos ? installed.filter(isUnit) : [];
  if (!checkCloudConfigText(settings, installed, unitTexts, options.installDocker, diagnostics)) return undefined;
  if (options.installDocker !== undefined && options.cloudConfigFlavor === "coreos") {
    diagnostics.warning("conflicting-options", "CoreOS ships Docker: the install-docker option is ignored for the coreos flavour");
  }
  const engine = engineNamed(options.engine);
  if (options.installDocker === "docker.io" && engine.name !== "docker") {
    diagnostics.warning(
      "conflicting-options",
      `install-docker installs docker.io, but the units run ${engine.name}: name its package (${engine.defaultPackage})`,
    );
  }
  const install = options.installDocker !== undefined ? { package: options.installDocker, enable: engine.enableAfterInstall } : undefined;
  const render = (contents: Contents) => toYaml(mergeHostSettings(bases, renderFlavor(project, installed, contents, install)), header);
  const plain = render("plain");
  const plainSize = Buffer.byteLength(plain);
  if (plainSize <= limit) return plain;
  // Thousands of files are over the limit whatever their contents: counting them tells as much as rendering the floor.
  const fewest = entriesFloor(installed);
  const floor = fewest > limit ? fewest : Buffer.byteLength(render("floor"));
  if (floor > limit) {
    diagnostics.warning(
      "user-data-size",
      `the cloud-config is ${plainSize} bytes, over the ${limit}-byte user-data limit, and would still be over it with every file compressed (at least ${floor} bytes); ship the files another way (a provisioning bundle) or raise the limit`,
    );
    return plain;
  }
  const compressed = render("gzip");
  const size = Buffer.byteLength(compressed);
  if (size <= limit) {
    diagnostics.warning(
      "user-data-size",
      `the cloud-config would be ${plainSize} bytes, over the ${limit}-byte user-data limit; large files are gzip-compressed, ${size} bytes in all`,
    );
  } else {
    diagnostics.warning(
      "user-data-size",
      `the cloud-config is ${size} bytes even with large files gzip-compressed, over the ${limit}-byte user-data limit; ship the files another way (a provisioning bundle) or raise the limit`,
    );
  }
  return compressed;
}

/**
 * How write_files carries each file: as it is; gzip+base64 where that is
 * shorter; or, to learn cheaply whether compressing can help at all, a
 * stand-in no longer than the shortest text either of those could give (a
 * gzip stream of nothing is 20 bytes, 28 characters in base64). Compressing
 * thousands of files takes longer than the rest of the compile.
 */
type Contents = "plain" | "gzip" | "floor";

const SHORTEST_GZIP_BASE64 = 28;

/**
 * Fewer bytes than any cloud-config installing `installed` can take, in
 * either flavour: each file is an entry naming at least its file name, with
 * at least 20 bytes of keys and indentation around it (`- name: ` and
 * `  content: ` in coreos: units:, more in write_files).
 */
function entriesFloor(installed: readonly OutputFile[]): number {
  let bytes = 0;
  for (const f of installed) if (f.installPath !== undefined) bytes += Buffer.byteLength(f.installPath.slice(f.installPath.lastIndexOf("/") + 1)) + 20;
  return bytes;
}

/** How one file's content travels in write_files. */
type Carried = { content: string } | { encoding: "b64" | "gzip+base64"; content: string };

/**
 * Text cloud-init reads back as it is goes plain, to keep the document
 * readable; any other content (a tab-free secret is plain too, but a value
 * with U+2028, a C1 control or a CR is not) goes base64, so what cloud-init
 * writes is byte for byte the file compose2units wrote, whatever it holds.
 */
function asIs(content: string): Carried {
  return readableByCloudInit(content) ? { content } : { encoding: "b64", content: Buffer.from(content).toString("base64") };
}

/** gzip+base64 where that is shorter; small files grow when compressed and stay as they are. */
function smaller(content: string): Carried {
  const packed = gzipSync(content, { level: 9 }).toString("base64");
  const plain = asIs(content);
  return packed.length < plain.content.length ? { encoding: "gzip+base64", content: packed } : plain;
}

function writeFiles(files: readonly OutputFile[], contents: Contents) {
  return files
    .filter((f) => f.installPath !== undefined)
    .map((f) => ({ path: f.installPath!, owner: "root:root", permissions: f.permissions, ...carried(f.content, contents) }));
}

function carried(content: string, contents: Contents): Carried {
  if (contents === "gzip") return smaller(content);
  if (contents === "floor") return { content: "x".repeat(Math.min(Buffer.byteLength(content), SHORTEST_GZIP_BASE64)) };
  return asIs(content);
}

/**
 * The user's host settings first, ours after: lists we also write
 * (packages, write_files, runcmd, coreos.units) are joined, theirs first, so
 * their packages and files are in place before the stack starts; every
 * other key is theirs alone.
 */
function mergeHostSettings(bases: readonly { readonly [key: string]: unknown }[], ours: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const base of [...bases, ours]) {
    for (const [key, value] of Object.entries(base)) {
      const before = out[key];
      if (Array.isArray(before) && Array.isArray(value)) out[key] = key === "packages" ? [...new Set([...before, ...value])] : [...before, ...value];
      else if (key === "coreos" && isObject(before) && isObject(value)) out[key] = mergeHostSettings([before], value);
      else out[key] = value;
    }
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function toYaml(document: object, header: readonly string[]): string {
  const body = cloudConfigYaml(document as Record<string, unknown>);
  return ["#cloud-config", ...header.map((h) => `# ${h}`), body].join("\n");
}

/** The engine's package, and the units (docker.service) to enable once it is installed. */
interface EngineInstall {
  readonly package: string;
  readonly enable: readonly string[];
}

function renderCloudInit(project: Project, installed: readonly OutputFile[], contents: Contents, install?: EngineInstall): Record<string, unknown> {
  const units = project.services.map((s) => serviceUnitName(project, s.name));
  const timer = cleanupUnitName(project, "timer");
  const document = {
    // Packages install in cloud-init's config stage, before runcmd enables the stack.
    ...(install !== undefined ? { packages: [install.package] } : {}),
    write_files: writeFiles(installed, contents),
    runcmd: [
      ["systemctl", "daemon-reload"],
      ["systemctl", "enable", ...(install?.enable ?? []), ...units, targetUnitName(project), timer],
      ["systemctl", "start", "--no-block", targetUnitName(project), timer],
    ],
  };
  return document;
}

/**
 * coreos-cloudinit writes each unit, enables those that have an [Install]
 * section and runs `command` on the ones that start the stack; it reads
 * unit content as plain text only, so compression applies to write_files.
 */
function isUnit(f: OutputFile): boolean {
  return f.installPath?.startsWith(`${UNIT_DIR}/`) ?? false;
}

function renderCoreos(project: Project, installed: readonly OutputFile[], contents: Contents): Record<string, unknown> {
  const starts = new Set([targetUnitName(project), cleanupUnitName(project, "timer")]);
  const units = installed.filter(isUnit).map((f) => ({
    name: f.path,
    ...(f.content.includes("\n[Install]\n") ? { enable: true } : {}),
    ...(starts.has(f.path) ? { command: "start" } : {}),
    content: f.content,
  }));
  return {
    write_files: writeFiles(
      installed.filter((f) => !isUnit(f)),
      contents,
    ),
    coreos: { units },
  };
}

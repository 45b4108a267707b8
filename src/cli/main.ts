import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { parseDocument } from "yaml";
import { compile, type CompileOptions, type CompileResult } from "../compile.js";
import type { OutputFile } from "../emit/output-file.js";
import { projectToYaml } from "../config-yaml.js";
import { DiagnosticBag, formatDiagnostic, type Diagnostic } from "../diagnostics.js";
import { loadProject, projectName } from "../frontend/load-project.js";
import type { SourceFile } from "../frontend/parse-yaml.js";
import { checkOutputDir, writeOutputDir, OutputDirError } from "./write-output.js";

/** Exit codes: 0 success, 1 the input has errors, 2 the command line is wrong, 70 a bug in compose2units. */
export const EXIT = { ok: 0, inputError: 1, usage: 2, internal: 70 } as const;

interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

const processIo: Io = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  cwd: process.cwd(),
};

/** The options that say which project to load; `compile` and `config` share them. */
interface LoadFlags {
  file: string[];
  projectName?: string;
  projectDirectory?: string;
  envFile: string[];
  profile: string[];
}

interface CompileFlags extends LoadFlags {
  output: string;
  cloudConfigFlavor: "cloud-init" | "coreos";
  installDocker?: string | true;
  registryAuth?: string;
  bundleUrl?: string;
  bundleSha256?: string;
  bundleDir?: string;
  maxUserData?: number;
  nocloud?: string;
  cloudConfigBase?: string;
}

const EXAMPLES = `
Examples:
  compose2units docker-compose.yml -o out/
  compose2units -f compose.yaml -f compose.prod.yaml -p shop --profile debug -o build/units
  compose2units config -f compose.yaml -f compose.prod.yaml

Without a file, compose2units finds one as docker compose does: COMPOSE_FILE,
else compose.yaml, compose.yml, docker-compose.yml or docker-compose.yaml in
the current folder or a folder above it, with its override file.

Exit codes: 0 ok, 1 errors in the input, 2 usage errors.`;

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command()
    .name("compose2units")
    .description("Compile docker-compose files into systemd units, a cloud-config and an image-cleanup script.")
    .version(readVersion(), "-V, --version")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .addHelpText("after", EXAMPLES);

  loadOptions(
    program
      .command("compile", { isDefault: true })
      .description("compile the project into a folder of units (the default command)")
      .argument("[compose-file]", "the compose file to compile (same as -f)")
      .requiredOption("-o, --output <dir>", "folder to write the generated files to")
      .addOption(new Option("--cloud-config-flavor <flavor>", "cloud-init (write_files + runcmd) or coreos (coreos: units:)").choices(["cloud-init", "coreos"]).default("cloud-init"))
      .option("--install-docker [package]", "install Docker from this package and enable it (default package: docker.io)")
      .option("--registry-auth <file>", "docker config.json with registry credentials, used by every pull")
      .option("--bundle-url <url>", "tarball a provisioning unit downloads and unpacks before any service starts")
      .option("--bundle-sha256 <hex>", "SHA-256 the bundle must have (required with --bundle-url)")
      .option("--bundle-dir <dir>", "where the bundle is unpacked (default /var/lib/compose2units/<project>/bundle)")
      .addOption(new Option("--max-user-data <bytes>", "user-data size limit; over it, files are gzip-compressed (default 16384)").argParser(wholeNumber))
      .option("--nocloud <dir>", "also write user-data and meta-data for cloud-init's NoCloud datasource into this folder")
      .option("--cloud-config-base <file>", "YAML of host settings (users, packages, timezone...) to merge into the cloud-config"),
  ).action((file: string | undefined, flags: CompileFlags) => {
    exitCode = runCompile(file, flags, io);
  });

  loadOptions(
    program
      .command("config")
      .description("print the project as compose2units loaded it, as YAML (like docker compose config)")
      .argument("[services...]", "only these services and what they depend on"),
  ).action((services: string[], flags: LoadFlags) => {
    exitCode = runConfig(services, flags, io);
  });

  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end through here too, with exit code 0.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    io.stderr(`compose2units: internal error: ${e instanceof Error ? e.message : String(e)}\nPlease report this with the compose file that caused it.\n`);
    return EXIT.internal;
  }
}

function loadOptions(command: Command): Command {
  return command
    .addOption(new Option("-f, --file <path>", "compose file; repeat to merge override files in order (default: as docker compose finds them)").argParser(collect).default([]))
    .option("-p, --project-name <name>", "project name (default: COMPOSE_PROJECT_NAME, else name: in the file, else the folder name)")
    .option("--project-directory <dir>", "folder relative paths are resolved against (default: the first compose file's folder)")
    .addOption(new Option("--env-file <path>", "variables for ${...} instead of .env in the project folder (repeatable)").argParser(collect).default([]))
    .addOption(new Option("--profile <name>", "activate a profile (repeatable; default: COMPOSE_PROFILES)").argParser(collect).default([]));
}

type Prepared = { ok: true; files: SourceFile[]; options: CompileOptions } | { ok: false; exitCode: number };

/** Reads the named compose files and turns the flags into load options; usage errors end here. */
function prepare(files: readonly string[], flags: LoadFlags, io: Io): Prepared {
  const sources: SourceFile[] = [];
  for (const file of files) {
    const content = readText(resolve(io.cwd, file));
    if (content === undefined) {
      io.stderr(`compose2units: cannot read ${file}\n`);
      return { ok: false, exitCode: EXIT.usage };
    }
    sources.push({ path: file, content });
  }
  if (flags.projectName !== undefined && (flags.projectName === "" || projectName(flags.projectName) !== flags.projectName)) {
    io.stderr(`compose2units: invalid project name "${flags.projectName}": use lowercase letters, digits, "-" and "_", starting with a letter or digit\n`);
    return { ok: false, exitCode: EXIT.usage };
  }
  for (const envFile of flags.envFile) {
    if (readText(resolve(io.cwd, envFile)) === undefined) {
      io.stderr(`compose2units: cannot read env file ${envFile}\n`);
      return { ok: false, exitCode: EXIT.usage };
    }
  }
  return {
    ok: true,
    files: sources,
    options: {
      workingDirectory: io.cwd,
      environment: io.env,
      readFile: readText,
      profiles: flags.profile,
      ...(flags.envFile.length > 0 ? { envFiles: flags.envFile } : {}),
      ...(flags.projectDirectory !== undefined ? { projectDirectory: resolve(io.cwd, flags.projectDirectory) } : {}),
      ...(flags.projectName !== undefined ? { projectName: flags.projectName } : {}),
    },
  };
}

function runCompile(file: string | undefined, flags: CompileFlags, io: Io): number {
  const prepared = prepare(file !== undefined ? [file, ...flags.file] : flags.file, flags, io);
  if (!prepared.ok) return prepared.exitCode;
  const host = hostOptions(flags, io);
  if (!host.ok) return EXIT.usage;
  const result = compile(prepared.files, { ...prepared.options, ...host.options });
  report(result.diagnostics, io);
  if (result.files.length === 0) return EXIT.inputError;
  try {
    const outputs: [string, readonly OutputFile[]][] = [[resolve(io.cwd, flags.output), result.files]];
    if (flags.nocloud !== undefined) outputs.push([resolve(io.cwd, flags.nocloud), nocloudSeed(result)]);
    for (const [dir] of outputs) checkOutputDir(dir);
    for (const [dir, files] of outputs) writeOutputDir(dir, files);
  } catch (e) {
    if (e instanceof OutputDirError) {
      io.stderr(`compose2units: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
  return EXIT.ok;
}

/** The cloud-config and host flags as compile options; a flag that cannot be used is a usage error. */
function hostOptions(flags: CompileFlags, io: Io): { ok: true; options: CompileOptions } | { ok: false } {
  const fail = (message: string) => {
    io.stderr(`compose2units: ${message}\n`);
    return { ok: false } as const;
  };
  let registryAuth: string | undefined;
  if (flags.registryAuth !== undefined) {
    registryAuth = readText(resolve(io.cwd, flags.registryAuth));
    if (registryAuth === undefined) return fail(`cannot read registry credentials ${flags.registryAuth}`);
  }
  if ((flags.bundleUrl === undefined) !== (flags.bundleSha256 === undefined)) return fail("--bundle-url and --bundle-sha256 go together");
  let cloudConfigBase: Record<string, unknown> | undefined;
  if (flags.cloudConfigBase !== undefined) {
    const text = readText(resolve(io.cwd, flags.cloudConfigBase));
    if (text === undefined) return fail(`cannot read ${flags.cloudConfigBase}`);
    const doc = parseDocument(text);
    const value: unknown = doc.errors.length === 0 ? doc.toJS() : undefined;
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return fail(`${flags.cloudConfigBase} must be a YAML mapping of cloud-config keys${doc.errors[0] ? ` (${doc.errors[0].message.split("\n")[0]})` : ""}`);
    }
    cloudConfigBase = value as Record<string, unknown>;
  }
  if (flags.bundleDir !== undefined && flags.bundleUrl === undefined) return fail("--bundle-dir needs --bundle-url");
  return {
    ok: true,
    options: {
      cloudConfigFlavor: flags.cloudConfigFlavor,
      ...(flags.installDocker !== undefined ? { installDocker: flags.installDocker === true ? "docker.io" : flags.installDocker } : {}),
      ...(registryAuth !== undefined ? { registryAuth } : {}),
      ...(cloudConfigBase !== undefined ? { cloudConfigBase } : {}),
      ...(flags.bundleUrl !== undefined
        ? { bundle: { url: flags.bundleUrl, sha256: flags.bundleSha256!, ...(flags.bundleDir !== undefined ? { directory: flags.bundleDir } : {}) } }
        : {}),
      ...(flags.maxUserData !== undefined ? { maxUserData: flags.maxUserData } : {}),
    },
  };
}

/** A NoCloud seed (seed 000): the cloud-config as user-data, and meta-data naming the instance. */
function nocloudSeed(result: CompileResult): OutputFile[] {
  const userData = result.files.find((f) => f.path === "cloud-config.yaml")!;
  const name = result.project?.name ?? "compose2units";
  return [
    { path: "meta-data", content: `instance-id: ${name}\nlocal-hostname: ${name}\n`, permissions: "0644" },
    { path: "user-data", content: userData.content, permissions: "0600" },
  ];
}

function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError("expected a whole number of bytes");
  return Number(value);
}

function runConfig(services: readonly string[], flags: LoadFlags, io: Io): number {
  const prepared = prepare(flags.file, flags, io);
  if (!prepared.ok) return prepared.exitCode;
  const diagnostics = new DiagnosticBag();
  const project = loadProject(prepared.files, { ...prepared.options, ...(services.length > 0 ? { services } : {}) }, diagnostics);
  report(diagnostics.sorted(), io);
  if (!project || diagnostics.hasErrors) return EXIT.inputError;
  io.stdout(projectToYaml(project));
  return EXIT.ok;
}

function report(diagnostics: readonly Diagnostic[], io: Io): void {
  for (const d of diagnostics) io.stderr(formatDiagnostic(d) + "\n");
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
}

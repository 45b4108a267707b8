import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { parseDocument } from "yaml";
import { compile, type CompileOptions, type CompileResult } from "../compile.js";
import { ENGINE_NAMES, engineNamed, type EngineName } from "../emit/engine.js";
import { nocloudSeed } from "../emit/nocloud-seed.js";
import type { OutputFile } from "../emit/output-file.js";
import { projectToYaml } from "../emit/compose-yaml.js";
import { DiagnosticBag, hasErrors, printable, type Diagnostic } from "../diagnostics.js";
import { loadProject } from "../frontend/load-project.js";
import { projectName } from "../frontend/8-normalize/project-name.js";
import type { SourceFile } from "../frontend/parse-yaml.js";
import { plain } from "../paint.js";
import { ansi, forcedColour, wantColour } from "./ansi.js";
import { formatPlanDiff } from "./diff.js";
import { processIo, type Io } from "./io.js";
import { readArgumentFile, readComposeFiles, readText } from "./read-input.js";
import { findIllFormed } from "../text-encoding.js";
import { formatReport, strictly } from "./report.js";
import { lockOutputFolder, lockPathFor, type FolderLock } from "./output-lock.js";
import { applyOutputPlan, foldersOverlap, planOutputDir, realFolder, OutputDirError, type OutputPlan } from "./write-output.js";

export type { Io } from "./io.js";

/**
 * Exit codes: 0 success, 1 the input has errors, 2 the command line is
 * wrong, 70 a bug in compose2units. `diff` answers as diff(1) does: 0 no
 * changes, 1 changes, 2 trouble (usage or input errors).
 */
export const EXIT = { ok: 0, inputError: 1, usage: 2, differs: 1, trouble: 2, internal: 70 } as const;

/** The options that say which project to load; every command shares them. */
interface LoadFlags {
  file: string[];
  projectName?: string;
  projectDirectory?: string;
  envFile: string[];
  profile: string[];
}

/** How diagnostics are reported; every command shares them. */
interface ReportFlags {
  format: "text" | "json";
  color?: boolean;
  strict?: boolean;
}

/** What shapes the generated files: `compile`, `check` and `diff` share them. */
interface HostFlags extends LoadFlags, ReportFlags {
  cloudConfigFlavor: "cloud-init" | "coreos";
  engine: EngineName;
  installDocker?: string | true;
  registryAuth?: string;
  bundleUrl?: string;
  bundleSha256?: string;
  bundleDir?: string;
  maxUserData?: number;
  cloudConfigBase?: string;
}

interface CompileFlags extends HostFlags {
  output: string;
  nocloud?: string;
  force?: boolean;
}

interface DiffFlags extends HostFlags {
  output: string;
  nocloud?: string;
  showSecrets?: true;
}

type ConfigFlags = LoadFlags & ReportFlags;

const FILES_NOTE = `
Without a file, compose2units finds one as docker compose does: COMPOSE_FILE,
else compose.yaml, compose.yml, docker-compose.yml or docker-compose.yaml in
the current folder or a folder above it, with its override file. A file
named - is read from standard input; its relative paths are then relative
to --project-directory, by default the current folder.`;

const HELP = {
  program: `
Examples:
  compose2units docker-compose.yml -o out/
  compose2units -f compose.yaml -f compose.prod.yaml -p shop --profile debug -o build/units
  compose2units check compose.yaml --strict
  compose2units diff compose.yaml -o out/
  compose2units config -f compose.yaml -f compose.prod.yaml
  cat compose.yaml | compose2units - -o - > user-data
${FILES_NOTE}

Exit codes: 0 ok, 1 errors in the input, 2 usage errors, 70 a bug in
compose2units; diff: 0 no changes, 1 changes, 2 trouble.`,
  compile: `
Examples:
  compose2units compile docker-compose.yml -o out/
  compose2units -f compose.yaml -f compose.prod.yaml -p shop -o build/units --nocloud seed/
  compose2units compose.yaml -o - > user-data        # only the cloud-config, to stdout

-o - writes the cloud-config alone (it installs every other file) to
standard output. The output folder is updated in place: files compose2units
generated before and no longer generates are removed, files it did not
write are left alone, and a non-empty folder it never wrote to is refused
without --force.
${FILES_NOTE}

Exit codes: 0 ok, 1 errors in the input (nothing written), 2 usage errors.`,
  check: `
Examples:
  compose2units check
  compose2units check compose.yaml --strict
  compose2units check -f compose.yaml -f compose.prod.yaml --format json

Loads, validates and compiles the project, reports every diagnostic, and
writes nothing. Silent when there is nothing to report.
${FILES_NOTE}

Exit codes: 0 no errors, 1 errors (or, with --strict, warnings), 2 usage errors.`,
  diff: `
Examples:
  compose2units diff compose.yaml -o out/
  compose2units diff -f compose.yaml -f compose.prod.yaml -o build/units --color | less -R

Prints, as a git-style unified diff, what compiling into the folder would
add, change and remove, and writes nothing. Contents of 0600 files (env
files, secrets, credentials, the cloud-config) are not shown, only that
they differ, unless --show-secrets is given. With --nocloud, the seed folder
compile --nocloud writes is compared too.
${FILES_NOTE}

Exit codes: 0 no changes, 1 changes, 2 trouble (usage errors or errors in the input).`,
  config: `
Examples:
  compose2units config
  compose2units config -f compose.yaml -f compose.prod.yaml web
  cat compose.yaml | compose2units config -f -
${FILES_NOTE}

Exit codes: 0 ok, 1 errors in the input, 2 usage errors.`,
} as const;

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command()
    .name("compose2units")
    .description("Compile docker-compose files into systemd units, a cloud-config and an image-cleanup script.")
    .option("-V, --version", "output the version number")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .addHelpText("after", HELP.program);
  // Read only when asked for, so that starting the CLI reads no extra file.
  program.on("option:version", () => {
    const version = readVersion();
    io.stdout(version + "\n");
    throw new CommanderError(EXIT.ok, "compose2units.version", version);
  });

  compilingCommand(program, "compile", "compile the project into a folder of units (the default command)", { isDefault: true })
    .requiredOption("-o, --output <dir>", "folder to write the generated files to; - writes the cloud-config alone to standard output")
    .option("--nocloud <dir>", "also write user-data and meta-data for cloud-init's NoCloud datasource into this folder")
    .option("--force", "write into a non-empty folder compose2units did not write, and over files in it that have generated names")
    .addHelpText("after", HELP.compile)
    .action((file: string | undefined, flags: CompileFlags) => {
      exitCode = runCompile(file, flags, io);
    });

  compilingCommand(program, "check", "load, validate and compile the project and report what is wrong; write nothing")
    .addHelpText("after", HELP.check)
    .action((file: string | undefined, flags: HostFlags) => {
      exitCode = runCheck(file, flags, io);
    });

  compilingCommand(program, "diff", "show what compiling into an output folder would change there; write nothing")
    .requiredOption("-o, --output <dir>", "the output folder to compare with")
    .option("--nocloud <dir>", "also compare the NoCloud seed folder compile --nocloud writes")
    .option("--show-secrets", "also print the contents of 0600 files (env files, secrets, credentials, the cloud-config)")
    .addHelpText("after", HELP.diff)
    .action((file: string | undefined, flags: DiffFlags) => {
      exitCode = runDiff(file, flags, io);
    });

  reportOptions(
    loadOptions(
      program
        .command("config")
        .description("print the project as compose2units loaded it, as YAML (like docker compose config)")
        .argument("[services...]", "only these services and what they depend on"),
    ),
  )
    .addHelpText("after", HELP.config)
    .action((services: string[], flags: ConfigFlags) => {
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

/** A subcommand that compiles the project (compile, check, diff): a compose file argument and the load, report and host options. */
function compilingCommand(program: Command, name: string, description: string, options?: { isDefault: true }): Command {
  const command = program.command(name, options).description(description).argument("[compose-file]", "the compose file (same as -f; - reads standard input)");
  return hostOptions(reportOptions(loadOptions(command)));
}

function loadOptions(command: Command): Command {
  return command
    .addOption(
      new Option("-f, --file <path>", "compose file; repeat to merge override files in order; - reads standard input")
        .argParser(collect)
        .default([], "as docker compose finds them"),
    )
    .option("-p, --project-name <name>", "project name (default: COMPOSE_PROJECT_NAME, else name: in the file, else the folder name)")
    .option("--project-directory <dir>", "folder relative paths are resolved against (default: the first compose file's folder)")
    .addOption(
      new Option("--env-file <path>", "variables for ${...} instead of .env in the project folder (repeatable)").argParser(collect).default([], ".env"),
    )
    .addOption(new Option("--profile <name>", "activate a profile (repeatable)").argParser(collect).default([], "COMPOSE_PROFILES"));
}

function reportOptions(command: Command): Command {
  return command
    .addOption(new Option("--format <format>", "diagnostics on stderr as text lines or as one JSON document").choices(["text", "json"]).default("text"))
    .option(
      "--color",
      "colour diagnostics and show the source line under each (default: when writing to a terminal, unless NO_COLOR is set; FORCE_COLOR=1 forces it)",
    )
    .option("--no-color", "no colour, even on a terminal")
    .option("--strict", "treat warnings as errors: report them as errors, exit 1 and write nothing");
}

function hostOptions(command: Command): Command {
  return command
    .addOption(
      new Option("--cloud-config-flavor <flavor>", "cloud-init (write_files + runcmd) or coreos (coreos: units:)")
        .choices(["cloud-init", "coreos"])
        .default("cloud-init"),
    )
    .addOption(
      new Option("--engine <engine>", "container engine the units run: docker, or podman's docker-compatible CLI").choices(ENGINE_NAMES).default("docker"),
    )
    .option("--install-docker [package]", "install the engine from this package and enable it (default package: docker.io; podman with --engine podman)")
    .option("--registry-auth <file>", "docker config.json with registry credentials, used by every pull")
    .option("--bundle-url <url>", "tarball a provisioning unit downloads and unpacks before any service starts")
    .option("--bundle-sha256 <hex>", "SHA-256 the bundle must have (required with --bundle-url)")
    .option("--bundle-dir <dir>", "where the bundle is unpacked (default /var/lib/compose2units/<project>/bundle)")
    .addOption(new Option("--max-user-data <bytes>", "user-data size limit; over it, files are gzip-compressed (default 16384)").argParser(wholeNumber))
    .option("--cloud-config-base <file>", "YAML of host settings (users, packages, timezone...) to merge into the cloud-config");
}

type Prepared = { ok: true; files: SourceFile[]; options: CompileOptions } | { ok: false };

/** Reads the named compose files and turns the flags into load options; usage errors end here. */
function prepare(files: readonly string[], flags: LoadFlags, io: Io): Prepared {
  const read = readComposeFiles(files, io);
  if (!read.ok) return usage(io, read.message);
  if (flags.projectName !== undefined && (flags.projectName === "" || projectName(flags.projectName) !== flags.projectName)) {
    return usage(io, `invalid project name "${flags.projectName}": use lowercase letters, digits, "-" and "_", starting with a letter or digit`);
  }
  for (const envFile of flags.envFile) {
    const read = readArgumentFile(io.cwd, envFile, "env file");
    if (!read.ok) return usage(io, read.message);
  }
  return {
    ok: true,
    files: read.files,
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

function usage(io: Io, message: string): { ok: false } {
  io.stderr(`compose2units: ${printable(message)}\n`);
  return { ok: false };
}

/** Prints a usage error; returns the exit code given. */
function usageExit(io: Io, message: string, exitCode: number = EXIT.usage): number {
  usage(io, message);
  return exitCode;
}

/**
 * Reads, compiles and reports: the part `compile`, `check` and `diff`
 * share. An exit code instead of a result when there is nothing to write:
 * a usage error (already printed) or errors in the input (reported).
 */
function compileAndReport(file: string | undefined, flags: HostFlags, io: Io): { result: CompileResult } | { exitCode: number } {
  const prepared = prepare(file !== undefined ? [file, ...flags.file] : flags.file, flags, io);
  if (!prepared.ok) return { exitCode: EXIT.usage };
  const host = hostCompileOptions(flags, io);
  if (!host.ok) return { exitCode: EXIT.usage };
  const result = compile(prepared.files, { ...prepared.options, ...host.options });
  const diagnostics = flags.strict ? strictly(result.diagnostics) : result.diagnostics;
  report(diagnostics, result.sources, flags, io);
  if (hasErrors(diagnostics) || result.files.length === 0) return { exitCode: EXIT.inputError };
  return { result };
}

function runCompile(file: string | undefined, flags: CompileFlags, io: Io): number {
  const toStdout = flags.output === "-";
  if (toStdout && flags.nocloud !== undefined) return usageExit(io, "-o - writes only the cloud-config, to standard output; --nocloud needs an output folder");
  if (toStdout && flags.force) return usageExit(io, "-o - writes to standard output; --force is for an output folder");
  const apart = separateFolders(flags, io);
  if (apart !== undefined) return usageExit(io, apart);
  const compiled = compileAndReport(file, flags, io);
  if ("exitCode" in compiled) return compiled.exitCode;
  const { result } = compiled;
  const cloudConfig = result.files.find((f) => f.path === "cloud-config.yaml")!;
  if (toStdout) {
    io.stdout(cloudConfig.content);
    return EXIT.ok;
  }
  // By their real paths, so that two names of one folder take the same lock.
  const folders = outputFolders(result, flags).map(([dir, files]) => [realFolder(resolve(io.cwd, dir)), files] as const);
  const locks: FolderLock[] = [];
  try {
    // Locks are taken in one order, so that two runs naming the same folders the other way round cannot wait for each other.
    for (const [dir] of [...folders].sort(([a], [b]) => (lockPathFor(a) < lockPathFor(b) ? -1 : 1))) locks.push(lockOutputFolder(dir));
    const held = () => locks.every((l) => l.held());
    // Planned under the locks, so no other run changes the folders between the plan and the writing; every folder is checked before any is written.
    const plans = folders.map(([dir, files]) => planOutputDir(dir, files, { force: flags.force === true }));
    for (const plan of plans) applyOutputPlan(plan, { held });
  } catch (e) {
    if (e instanceof OutputDirError) return usageExit(io, e.message);
    throw e;
  } finally {
    for (const lock of locks) {
      try {
        lock.release();
      } catch {
        // The folders are written; a lock left behind is stale once this process ends, and the next run takes it over.
      }
    }
  }
  return EXIT.ok;
}

/** Why the output folder and the --nocloud folder cannot both be written, or undefined when they can. */
function separateFolders(flags: { output: string; nocloud?: string }, io: Io): string | undefined {
  if (flags.nocloud === undefined) return undefined;
  if (!foldersOverlap(resolve(io.cwd, flags.output), resolve(io.cwd, flags.nocloud))) return undefined;
  return `the output folder (${flags.output}) and the --nocloud folder (${flags.nocloud}) must be two different folders, neither inside the other: each run removes from its folder what it no longer generates there`;
}

function runCheck(file: string | undefined, flags: HostFlags, io: Io): number {
  const compiled = compileAndReport(file, flags, io);
  return "exitCode" in compiled ? compiled.exitCode : EXIT.ok;
}

function runDiff(file: string | undefined, flags: DiffFlags, io: Io): number {
  if (flags.output === "-") return usageExit(io, "diff compares with an output folder; -o - has none", EXIT.trouble);
  const apart = separateFolders(flags, io);
  if (apart !== undefined) return usageExit(io, apart, EXIT.trouble);
  const compiled = compileAndReport(file, flags, io);
  if ("exitCode" in compiled) return EXIT.trouble;
  let plans: [string, OutputPlan][];
  try {
    // The folders compile writes, each labelled with the name it was given, so the diff reads (and applies) from here.
    // Nothing is written, so a folder compile would refuse is still compared.
    plans = outputFolders(compiled.result, flags).map(([name, files]) => [name, planOutputDir(resolve(io.cwd, name), files, { force: true })]);
  } catch (e) {
    if (e instanceof OutputDirError) return usageExit(io, e.message, EXIT.trouble);
    throw e;
  }
  const paint = wantColour(flags.color, io.env, io.stdoutIsTTY) ? ansi : plain;
  io.stdout(plans.map(([name, plan]) => formatPlanDiff(plan, name, paint, { showSecrets: flags.showSecrets === true })).join(""));
  return plans.some(([, plan]) => plan.changes.length > 0) ? EXIT.differs : EXIT.ok;
}

/** The folders a compile fills, as given on the command line: the output folder and, with --nocloud, the seed folder. */
function outputFolders(result: CompileResult, flags: { output: string; nocloud?: string }): [string, readonly OutputFile[]][] {
  const folders: [string, readonly OutputFile[]][] = [[flags.output, result.files]];
  if (flags.nocloud !== undefined) {
    const cloudConfig = result.files.find((f) => f.path === "cloud-config.yaml")!;
    folders.push([flags.nocloud, nocloudSeed(cloudConfig, result.project?.name ?? "compose2units")]);
  }
  return folders;
}

/** The cloud-config and host flags as compile options; a flag that cannot be used is a usage error. */
function hostCompileOptions(flags: HostFlags, io: Io): { ok: true; options: CompileOptions } | { ok: false } {
  const fail = (message: string) => usage(io, message);
  let registryAuth: string | undefined;
  if (flags.registryAuth !== undefined) {
    const read = readArgumentFile(io.cwd, flags.registryAuth, "registry credentials");
    if (!read.ok) return fail(read.message);
    registryAuth = read.text;
    const bad = findIllFormed(registryAuth);
    if (bad) return fail(`${flags.registryAuth}:${bad.line}:${bad.column}: ${bad.message}`);
  }
  if ((flags.bundleUrl === undefined) !== (flags.bundleSha256 === undefined)) return fail("--bundle-url and --bundle-sha256 go together");
  let cloudConfigBase: Record<string, unknown> | undefined;
  if (flags.cloudConfigBase !== undefined) {
    const read = readArgumentFile(io.cwd, flags.cloudConfigBase);
    if (!read.ok) return fail(read.message);
    const text = read.text;
    const bad = findIllFormed(text);
    if (bad) return fail(`${flags.cloudConfigBase}:${bad.line}:${bad.column}: ${bad.message}`);
    const { value, problem } = plainYaml(text);
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return fail(`${flags.cloudConfigBase} must be a YAML mapping of cloud-config keys${problem ? ` (${problem})` : ""}`);
    }
    cloudConfigBase = value as Record<string, unknown>;
  }
  if (flags.bundleDir !== undefined && flags.bundleUrl === undefined) return fail("--bundle-dir needs --bundle-url");
  return {
    ok: true,
    options: {
      cloudConfigFlavor: flags.cloudConfigFlavor,
      engine: flags.engine,
      ...(flags.installDocker !== undefined
        ? { installDocker: flags.installDocker === true ? engineNamed(flags.engine).defaultPackage : flags.installDocker }
        : {}),
      ...(registryAuth !== undefined ? { registryAuth } : {}),
      ...(cloudConfigBase !== undefined ? { cloudConfigBase } : {}),
      ...(flags.bundleUrl !== undefined
        ? { bundle: { url: flags.bundleUrl, sha256: flags.bundleSha256!, ...(flags.bundleDir !== undefined ? { directory: flags.bundleDir } : {}) } }
        : {}),
      ...(flags.maxUserData !== undefined ? { maxUserData: flags.maxUserData } : {}),
    },
  };
}

/**
 * A small YAML document as plain data, or what is wrong with it. The yaml
 * package refuses an alias bomb by throwing, and a document nested
 * thousands of levels deep overflows the stack: both are the file's fault.
 */
function plainYaml(text: string): { value: unknown; problem?: string } {
  try {
    const doc = parseDocument(text);
    const error = doc.errors[0];
    return error ? { value: undefined, problem: error.message.split("\n")[0]! } : { value: doc.toJS() };
  } catch (e) {
    return { value: undefined, problem: e instanceof RangeError ? "it nests too deeply" : e instanceof Error ? e.message : String(e) };
  }
}

function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError("expected a whole number of bytes");
  return Number(value);
}

function runConfig(services: readonly string[], flags: ConfigFlags, io: Io): number {
  const prepared = prepare(flags.file, flags, io);
  if (!prepared.ok) return EXIT.usage;
  const bag = new DiagnosticBag();
  const project = loadProject(prepared.files, { ...prepared.options, ...(services.length > 0 ? { services } : {}) }, bag);
  const found = bag.sorted();
  const diagnostics = flags.strict ? strictly(found) : found;
  report(diagnostics, bag.sourcesOf(found), flags, io);
  if (!project || hasErrors(diagnostics)) return EXIT.inputError;
  io.stdout(projectToYaml(project));
  return EXIT.ok;
}

/**
 * Diagnostics go to stderr, so that stdout carries only what was asked for
 * (`config`'s YAML, `-o -`'s cloud-config, `diff`'s diff). A code frame and
 * colour are for people: on a terminal, or when --color or FORCE_COLOR asks for them.
 */
function report(diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, string>, flags: ReportFlags, io: Io): void {
  const colour = wantColour(flags.color, io.env, io.stderrIsTTY);
  // Forced colour (--color, FORCE_COLOR) is for a person reading a log: the source lines help there too.
  const frames = io.stderrIsTTY || forcedColour(flags.color, io.env) === true;
  const text = formatReport(diagnostics, sources, { format: flags.format, frames, paint: colour ? ansi : plain });
  if (text !== "") io.stderr(text);
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

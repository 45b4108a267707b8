import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Command, CommanderError, Option } from "commander";
import { compile } from "../compile.js";
import { formatDiagnostic, type Diagnostic } from "../diagnostics.js";
import { parseDotenv } from "../frontend/dotenv.js";
import { writeOutputDir, OutputDirError } from "./write-output.js";

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

interface CompileFlags {
  output: string;
  projectName?: string;
  projectDirectory?: string;
  envFile?: string;
  profile: string[];
}

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command()
    .name("compose2units")
    .description("Compile a docker-compose file into systemd units, a cloud-config and an image-cleanup script.")
    .version(readVersion(), "-V, --version")
    .argument("<compose-file>", "the docker-compose.yml to compile")
    .requiredOption("-o, --output <dir>", "folder to write the generated files to")
    .option("-p, --project-name <name>", "project name (default: name: in the file, else the folder name)")
    .option("--project-directory <dir>", "folder relative paths are resolved against (default: the compose file's folder)")
    .option("--env-file <path>", "variables for ${...} substitution (default: .env in the project folder)")
    .addOption(new Option("--profile <name>", "activate a profile (repeatable)").argParser(collect).default([]))
    .addHelpText(
      "after",
      "\nExamples:\n  compose2units docker-compose.yml -o out/\n  compose2units prod.yml -p shop --profile debug -o build/units\n\nExit codes: 0 ok, 1 errors in the input, 2 usage errors.",
    )
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .action((file: string, flags: CompileFlags) => {
      exitCode = runCompile(file, flags, io);
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

function runCompile(file: string, flags: CompileFlags, io: Io): number {
  const path = resolve(io.cwd, file);
  const content = readText(path);
  if (content === undefined) {
    io.stderr(`compose2units: cannot read ${file}\n`);
    return EXIT.usage;
  }
  const projectDirectory = resolve(io.cwd, flags.projectDirectory ?? dirname(path));
  const environment = loadEnvironment(flags.envFile ? resolve(io.cwd, flags.envFile) : resolve(projectDirectory, ".env"), flags.envFile !== undefined, io);
  if (!environment.ok) {
    report(environment.diagnostics, io);
    return environment.usage ? EXIT.usage : EXIT.inputError;
  }
  const result = compile(
    { path: file, content },
    {
      projectDirectory,
      environment: environment.values,
      readFile: readText,
      profiles: flags.profile,
      ...(flags.projectName !== undefined ? { projectName: flags.projectName } : {}),
    },
  );
  report(result.diagnostics, io);
  if (result.files.length === 0) return EXIT.inputError;
  try {
    writeOutputDir(resolve(io.cwd, flags.output), result.files);
  } catch (e) {
    if (e instanceof OutputDirError) {
      io.stderr(`compose2units: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
  return EXIT.ok;
}

type EnvironmentResult =
  | { ok: true; values: Record<string, string | undefined> }
  | { ok: false; usage: boolean; diagnostics: Diagnostic[] };

/** The process environment over the .env file, as compose does. */
function loadEnvironment(path: string, explicit: boolean, io: Io): EnvironmentResult {
  const text = readText(path);
  if (text === undefined) {
    if (explicit) return { ok: false, usage: true, diagnostics: [{ severity: "error", code: "missing-input", message: `env file ${path} not found` }] };
    return { ok: true, values: { ...io.env } };
  }
  const parsed = parseDotenv(text);
  if (!parsed.ok) {
    return { ok: false, usage: false, diagnostics: [{ severity: "error", code: "invalid-value", message: parsed.message, location: { file: path, line: parsed.line, column: 1 } }] };
  }
  const values: Record<string, string | undefined> = {};
  for (const e of parsed.entries) if (e.value !== undefined) values[e.name] = e.value;
  return { ok: true, values: { ...values, ...io.env } };
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

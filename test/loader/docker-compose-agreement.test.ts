// @module-tag real
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { toolMissing } from "../support/real-tools.js";
import { parse } from "yaml";
import { DiagnosticBag, formatDiagnostic, loadProject, type Project, type Service } from "../../src/index.js";
import { splitShellWords } from "../../src/frontend/8-normalize/shell-words.js";

/**
 * Agreement with docker compose: Debian's docker-compose 1.29.2 (`docker-compose
 * config`, no daemon needed) is the reference for the v1, 2.x and 3.x formats.
 * Wherever it accepts a file, the project compose2units loads must agree with
 * its normalized output on images, commands, entrypoints, environment, ports,
 * volumes and dependencies — over our own agreement cases
 * (test/loader/agreement), the golden fixtures and the real-world corpus.
 *
 * Both sides are put in one spelling before they are compared:
 * - a command or entrypoint written as one string stays a string in
 *   docker-compose's output; compose2units (like docker compose v2) splits it
 *   into words. docker-compose's string is split with the same shell rules.
 * - docker-compose writes `$` as `$$` in its output; that is undone.
 * - an environment entry without a value that nothing sets is `null` in
 *   docker-compose's output; compose2units leaves it out (docker run would
 *   pass nothing). Those entries are ignored.
 * - docker-compose expands port ranges into single ports; so do we here.
 * - tmpfs mounts are not compared (docker-compose lists them apart).
 * - mount paths are compared without a trailing slash: docker-compose cleans
 *   them (`/etc/pihole/` → `/etc/pihole`), compose2units passes them to
 *   docker as written, and docker cleans them itself.
 *
 * Intended differences, where compose2units follows the Compose
 * Specification and docker compose v2 rather than docker-compose 1.29:
 * - where both accept a file and read it differently: listed per case in
 *   INTENDED_DIFFERENCES below (test/loader/agreement/compose-v2-rules), and
 *   checked to really differ, so the list cannot go stale.
 * - newer spec features 1.29 rejects, so no comparison happens: top-level
 *   `name:` and `include:`, `!reset`/`!override`, `env_file` long syntax
 *   with `required:`, `depends_on` with `required:`/`restart:`, `host_ip` in
 *   long port syntax, `${VAR:+alt}`, default values in v1 files, and `extends` of a service that has links, volumes_from or
 *   depends_on (1.29 refuses; compose v2 merges them).
 */

const DOCKER_COMPOSE = "/usr/bin/docker-compose";
// Absent outside CI: the comparison is skipped, saying why; in CI, where setup installs it, absent fails.
const SKIP = toolMissing(DOCKER_COMPOSE);
const AGREEMENT = new URL("./agreement/", import.meta.url).pathname;
const FIXTURES = new URL("../../fixtures/", import.meta.url).pathname;
const CORPUS = new URL("../../../shared/corpus/", import.meta.url).pathname;

type Aspect = "image" | "command" | "entrypoint" | "environment" | "ports" | "volumes" | "dependencies";
const ASPECTS: readonly Aspect[] = ["image", "command", "entrypoint", "environment", "ports", "volumes", "dependencies"];

interface IntendedDifference {
  readonly case: string;
  readonly service: string;
  readonly aspect: Aspect;
  readonly reason: string;
}

const INTENDED_DIFFERENCES: readonly IntendedDifference[] = [
  {
    case: "agreement/compose-v2-rules",
    service: "web",
    aspect: "environment",
    reason: "web.env has `COLON: value`: compose v2's env file parser reads the NAME: value form, docker-compose 1.29 skips the line",
  },
  {
    case: "agreement/compose-v2-rules",
    service: "web",
    aspect: "ports",
    reason:
      "127.0.0.1:9000:9000 in one file and 127.0.0.1:9000:9000/tcp in the override are one binding: compose v2 keeps ports unique by (host IP, published, target, protocol); 1.29 compares the strings and publishes it twice",
  },
  {
    case: "agreement/compose-v2-rules",
    service: "nested",
    aspect: "image",
    reason:
      "${UNSET_TAG:-${FALLBACK_TAG:-1}}: compose v2 substitutes nested defaults (example/nested:1); 1.29 ends the default at the first } and leaves ${FALLBACK_TAG:-1} in the image",
  },
];

interface Case {
  readonly name: string;
  readonly dir: string;
  readonly files: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
}

function agreementCases(): Case[] {
  return readdirSync(AGREEMENT)
    .sort()
    .map((name) => {
      const dir = join(AGREEMENT, name);
      const spec = JSON.parse(readFileSync(join(dir, "case.json"), "utf8")) as { files: string[]; environment: Record<string, string> };
      return { name: `agreement/${name}`, dir, files: spec.files, environment: spec.environment };
    });
}

function fixtureCases(): Case[] {
  return readdirSync(FIXTURES)
    .filter((name) => statSync(join(FIXTURES, name)).isDirectory())
    .sort()
    .flatMap((name) => {
      const dir = join(FIXTURES, name);
      const file = ["docker-compose.yml", "docker-compose.yaml", "compose.yaml", "compose.yml"].find((f) => existsSync(join(dir, f)));
      if (!file) return [];
      const settings = existsSync(join(dir, "fixture.json"))
        ? (JSON.parse(readFileSync(join(dir, "fixture.json"), "utf8")) as { environment?: Record<string, string> })
        : {};
      return [{ name: `fixtures/${name}`, dir, files: [file], environment: settings.environment ?? {} }];
    });
}

/**
 * The corpus, copied to a scratch folder in which every missing build
 * context is created empty: docker-compose refuses a file whose build path
 * does not exist, and the corpus ships no build contexts. The compose files
 * themselves are not touched.
 */
const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

function corpusCases(): Case[] {
  if (!existsSync(CORPUS)) return [];
  const copy = mkdtempSync(join(tmpdir(), "c2u-corpus-"));
  scratch.push(copy);
  cpSync(CORPUS, copy, { recursive: true });
  const out: Case[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (/^(docker-)?compose\.ya?ml$/.test(entry)) {
        const doc = parse(readFileSync(full, "utf8")) as { services?: Record<string, { build?: string | { context?: string } }> } | null;
        for (const service of Object.values(doc?.services ?? {})) {
          const context = typeof service?.build === "string" ? service.build : service?.build?.context;
          if (context && !/^[a-z]+:\/\//.test(context)) mkdirSync(resolve(dir, context), { recursive: true });
        }
        out.push({ name: `corpus/${relative(copy, full)}`, dir, files: [entry], environment: {} });
      }
    }
  };
  walk(copy);
  return out;
}

type Config = { services?: Record<string, Record<string, unknown>> };

function dockerComposeConfig(c: Case): { ok: true; config: Config } | { ok: false; reason: string } {
  const r = spawnSync(DOCKER_COMPOSE, [...c.files.flatMap((f) => ["-f", f]), "config"], {
    cwd: c.dir,
    encoding: "utf8",
    env: { PATH: process.env.PATH, HOME: "/root", ...c.environment },
  });
  if (r.status !== 0) return { ok: false, reason: (r.stderr || r.stdout).trim().split("\n")[0] ?? `exit ${r.status}` };
  return { ok: true, config: parse(r.stdout) as Config };
}

function ourProject(c: Case): { project: Project | undefined; diagnostics: string[] } {
  const diagnostics = new DiagnosticBag();
  const project = loadProject(
    c.files.map((f) => ({ path: f, content: readFileSync(join(c.dir, f), "utf8") })),
    {
      workingDirectory: c.dir,
      environment: { HOME: "/root", ...c.environment },
      readFile: (p) => (existsSync(p) && statSync(p).isFile() ? readFileSync(p, "utf8") : undefined),
    },
    diagnostics,
  );
  return { project, diagnostics: diagnostics.sorted().map(formatDiagnostic) };
}

type Comparable = Record<Aspect, unknown>;

const unescape = (v: unknown): unknown => (typeof v === "string" ? v.replace(/\$\$/g, "$") : v);

function words(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v.map((w) => String(unescape(w)));
  const split = splitShellWords(String(unescape(v)));
  return split.ok ? split.words : [String(v)];
}

/** `8000-8002:9000-9002` → three bindings, so both sides can be compared port by port. */
function expandPorts(ip: string, published: string, target: string, protocol: string): string[] {
  const [tLo = 0, tHi = tLo] = target.split("-").map(Number);
  const pLo = published === "" ? undefined : Number(published.split("-")[0]);
  const out: string[] = [];
  for (let i = 0; i <= tHi - tLo; i++) out.push(`${ip || "0.0.0.0"}:${pLo === undefined ? "" : pLo + i}:${tLo + i}/${protocol}`);
  return out;
}

function dockerComposePorts(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list
    .flatMap((p): string[] => {
      if (p !== null && typeof p === "object") {
        const o = p as Record<string, unknown>;
        return expandPorts(String(o.host_ip ?? ""), o.published === undefined ? "" : String(o.published), String(o.target), String(o.protocol ?? "tcp"));
      }
      let rest = String(p);
      let protocol = "tcp";
      if (rest.includes("/")) [rest, protocol] = rest.split("/") as [string, string];
      const parts = rest.split(":");
      const target = parts.pop()!;
      const published = parts.pop() ?? "";
      return expandPorts(parts.join(":"), published, target, protocol);
    })
    .sort();
}

function clean(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

function dockerComposeVolumes(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list
    .flatMap((v): string[] => {
      if (v !== null && typeof v === "object") {
        const o = v as Record<string, unknown>;
        if (o.type === "tmpfs") return [];
        const type = o.source === undefined ? "anonymous" : String(o.type);
        return [`${type}|${clean(String(o.source ?? ""))}|${clean(String(o.target))}|${o.read_only === true ? "ro" : "rw"}`];
      }
      const parts = String(unescape(v)).split(":");
      if (parts.length === 1) return [`anonymous||${parts[0]}|rw`];
      const [source, target, mode = "rw"] = parts as [string, string, string?];
      const type = source.startsWith("/") ? "bind" : "volume";
      return [`${type}|${clean(source)}|${clean(target)}|${mode.split(",").includes("ro") ? "ro" : "rw"}`];
    })
    .sort();
}

function dockerComposeDependencies(s: Record<string, unknown>): string[] {
  const out = new Set<string>();
  const dependsOn = s.depends_on;
  if (Array.isArray(dependsOn)) for (const d of dependsOn) out.add(String(d));
  else if (dependsOn && typeof dependsOn === "object") for (const d of Object.keys(dependsOn)) out.add(d);
  if (Array.isArray(s.links)) for (const l of s.links) out.add(String(l).split(":")[0]!);
  if (Array.isArray(s.volumes_from)) {
    for (const v of s.volumes_from) {
      const parts = String(v).split(":");
      if (parts[0] === "service") out.add(parts[1]!);
      else if (parts[0] !== "container") out.add(parts[0]!);
    }
  }
  for (const key of ["network_mode", "ipc", "pid"]) {
    const m = /^service:(.+)$/.exec(String(s[key] ?? ""));
    if (m) out.add(m[1]!);
  }
  return [...out].sort();
}

function fromDockerCompose(s: Record<string, unknown>): Comparable {
  const environment: Record<string, string> = {};
  const env = s.environment;
  if (Array.isArray(env)) {
    for (const e of env) {
      const text = String(unescape(e));
      const eq = text.indexOf("=");
      if (eq >= 0) environment[text.slice(0, eq)] = text.slice(eq + 1);
    }
  } else if (env && typeof env === "object") {
    for (const [k, v] of Object.entries(env)) if (v !== null && v !== undefined) environment[k] = String(unescape(v));
  }
  return {
    image: unescape(s.image),
    command: words(s.command),
    entrypoint: words(s.entrypoint),
    environment: sortKeys(environment),
    ports: dockerComposePorts(s.ports),
    volumes: dockerComposeVolumes(s.volumes),
    dependencies: dockerComposeDependencies(s),
  };
}

function fromModel(s: Service): Comparable {
  return {
    image: s.image.ref.value,
    command: s.command ? [...s.command.value] : undefined,
    entrypoint: s.entrypoint ? [...s.entrypoint.value] : undefined,
    environment: sortKeys(Object.fromEntries(s.environment.map((e) => [e.name, e.value]))),
    ports: s.ports.flatMap((p) => expandPorts(p.hostIp ?? "", p.published ?? "", p.target, p.protocol)).sort(),
    volumes: s.mounts
      .flatMap((m): string[] => {
        if (m.type === "tmpfs") return [];
        const source = m.type === "bind" ? m.source : m.type === "volume" ? m.volume : "";
        return [`${m.type}|${clean(source)}|${clean(m.target)}|${m.readOnly ? "ro" : "rw"}`];
      })
      .sort(),
    dependencies: [...new Set(s.dependsOn.map((d) => d.service))].sort(),
  };
}

function sortKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
}

interface Outcome {
  readonly case: string;
  readonly accepted: boolean;
  readonly reason?: string;
  readonly compared: string[];
}

/**
 * docker-compose and the loader run once per case, by whichever test needs
 * the case first, so that each test stands alone (with -t, shuffled).
 */
const references = new Map<string, ReturnType<typeof dockerComposeConfig>>();
const ours = new Map<string, ReturnType<typeof ourProject>>();
const referenceOf = (c: Case) => references.get(c.name) ?? references.set(c.name, dockerComposeConfig(c)).get(c.name)!;
const ourProjectOf = (c: Case) => ours.get(c.name) ?? ours.set(c.name, ourProject(c)).get(c.name)!;

/** Whether docker-compose accepted the case, and the services both sides have: the ones compared aspect by aspect. */
function outcomeOf(c: Case): Outcome {
  const reference = referenceOf(c);
  if (!reference.ok) return { case: c.name, accepted: false, reason: reference.reason, compared: [] };
  const { project } = ourProjectOf(c);
  return {
    case: c.name,
    accepted: true,
    compared: Object.keys(reference.config.services ?? {}).filter((name) => project?.services.some((s) => s.name === name)),
  };
}

describe.skipIf(SKIP)("agreement with docker-compose 1.29 config", () => {
  const cases = SKIP ? [] : [...agreementCases(), ...fixtureCases(), ...corpusCases()];

  it.each(cases.map((c) => [c.name, c] as const))(
    "%s",
    (_name, c) => {
      const reference = referenceOf(c);
      if (!reference.ok) {
        // Our own agreement cases are written for docker-compose 1.29: it must accept them.
        expect(c.name.startsWith("agreement/"), `docker-compose rejected ${c.name}: ${reference.reason}`).toBe(false);
        return;
      }
      const { project, diagnostics } = ourProjectOf(c);
      expect(project, diagnostics.join("\n")).toBeDefined();
      for (const [name, theirs] of Object.entries(reference.config.services ?? {})) {
        const service = project!.services.find((s) => s.name === name);
        if (!service) {
          // compose2units compiles images, not builds: such a service must have said why.
          expect(
            diagnostics.some((d) => d.includes(`"${name}"`)),
            `${name} is missing without a diagnostic:\n${diagnostics.join("\n")}`,
          ).toBe(true);
          continue;
        }
        const a = fromDockerCompose(theirs);
        const b = fromModel(service);
        for (const aspect of ASPECTS) {
          const intended = INTENDED_DIFFERENCES.find((d) => d.case === c.name && d.service === name && d.aspect === aspect);
          if (intended) expect(b[aspect], `intended difference no longer differs: ${intended.reason}`).not.toEqual(a[aspect]);
          else expect(b[aspect], `${c.name}: service ${name}: ${aspect}`).toEqual(a[aspect]);
        }
      }
    },
    30_000,
  );

  it("compared every intended difference it lists, and a good share of the corpus", () => {
    const outcomes = cases.map(outcomeOf);
    for (const d of INTENDED_DIFFERENCES) {
      expect(outcomes.find((o) => o.case === d.case)?.compared, `${d.case} was not compared`).toContain(d.service);
    }
    const accepted = outcomes.filter((o) => o.accepted);
    const services = accepted.reduce((n, o) => n + o.compared.length, 0);
    console.log(
      [
        `docker-compose 1.29 accepted ${accepted.length} of ${outcomes.length} files; ${services} services compared on ${ASPECTS.join(", ")}.`,
        ...outcomes.filter((o) => !o.accepted).map((o) => `  not compared: ${o.case}: ${o.reason}`),
      ].join("\n"),
    );
    if (existsSync(CORPUS)) expect(accepted.filter((o) => o.case.startsWith("corpus/")).length).toBeGreaterThan(20);
  });
});

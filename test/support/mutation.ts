import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CORPUS } from "./corpus.js";
import { listFixtures } from "./fixtures.js";

/**
 * Compose files to mutate: every fixture's and, when ../shared is beside
 * the project, the compose.yaml of each example in its awesome-compose.
 */
const AWESOME_COMPOSE = join(CORPUS, "awesome-compose");

export function originals(): string[] {
  const texts = listFixtures().map((f) => readFileSync(join(f.dir, f.composeFile), "utf8"));
  if (existsSync(AWESOME_COMPOSE)) {
    for (const name of readdirSync(AWESOME_COMPOSE).sort()) {
      const path = join(AWESOME_COMPOSE, name, "compose.yaml");
      if (existsSync(path)) texts.push(readFileSync(path, "utf8"));
    }
  }
  return texts;
}

/** Values that have tripped up compose tools: empty, wrong types, references, tags, odd ports and paths. */
export const ODD_VALUES = [
  "",
  "null",
  "[]",
  "{}",
  "-1",
  "0",
  "1e9",
  "true",
  "'x'",
  '"${X:?missing}"',
  "${X}",
  "${X:-}",
  "a:b:c",
  "[a, {b: c}]",
  "~",
  "99999",
  "/abs",
  "../rel",
  "service:web",
  "container:x",
  "!reset null",
  "!override []",
  "{condition: service_healthy}",
  "[web]",
  "$$",
  "%",
  '"\\t"',
  "1:2:3:4",
  "[::1]:80:80",
  "*nope",
  "&a x",
];

/** Values that have tripped up the readers of what compose2units writes: cloud-init's YAML, systemd's lines, the shell. */
export const HOSTILE_VALUES = [
  '"x\\u2028bootcmd: [[sh, -c, id]]"',
  '"x\\u2029y"',
  '"x\\x85y"',
  '"\\x9b"',
  '"\\ufffe"',
  '"\\ufeffx"',
  '"a\\tb"',
  '"a\\nExecStartPre=/bin/id"',
  '"a\\rb"',
  '"x\\\\"',
  '"%n%%"',
  '"$$(id)"',
  '"--volumes"',
  '".."',
  '"a/b"',
  '"é😀"',
  '"; id"',
  '"`id`"',
  "yes",
  "0644",
];

const ODD_PREFIXES = ["", "x-", "a", "network_mode: ", "- ", "<<: "];

/** `text` with one to four lines dropped, repeated, given odd values or odd keys. */
export function mutate(text: string, next: () => number, values: readonly string[] = ODD_VALUES): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const lines = text.split("\n");
  for (let n = 1 + Math.floor(next() * 4); n > 0; n--) {
    const j = Math.floor(next() * lines.length);
    const r = next();
    if (r < 0.25) lines.splice(j, 1);
    else if (r < 0.45) lines.splice(j, 0, pick(lines));
    else if (r < 0.8) lines[j] = (lines[j] ?? "").replace(/:\s.*$/, `: ${pick(values)}`);
    else lines[j] = (lines[j] ?? "").replace(/^(\s*)(- )?/, `$1$2${pick(ODD_PREFIXES)}`);
  }
  return lines.join("\n");
}

import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** The real-world corpus beside the project (../shared/corpus), when it is there. */
export const CORPUS = new URL("../../../shared/corpus/", import.meta.url).pathname;

/** Every compose file of the corpus (compose.yaml, docker-compose.yml, compose.prod.yaml...), sorted; none without it. */
export function corpusComposeFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (/^(docker-)?compose(\.[\w-]+)?\.ya?ml$/.test(entry)) out.push(full);
    }
  };
  if (existsSync(CORPUS)) walk(CORPUS);
  return out;
}

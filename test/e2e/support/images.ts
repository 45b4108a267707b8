import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HOST_TOOLS } from "./availability.js";
import type { DockerEngine } from "./dockerd.js";

export const IMAGES_DIR = new URL("../images/", import.meta.url).pathname;
export const BASE_IMAGE = "e2e/busybox:1";

/** The tag the harness gives the image built from test/e2e/images/<name>/. */
export const imageTag = (name: string) => `e2e/${name}:1`;

/**
 * Builds every test image: e2e/busybox:1 from the host's busybox-static,
 * then each other folder of test/e2e/images on top of it. Each build takes
 * about a second; the legacy builder of docker 20.10 needs no registry.
 */
export async function buildImages(engine: DockerEngine): Promise<string[]> {
  const context = mkdtempSync(join(tmpdir(), "compose2units-e2e-base-"));
  try {
    copyFileSync(HOST_TOOLS.busybox, join(context, "busybox"));
    copyFileSync(join(IMAGES_DIR, "busybox/Dockerfile"), join(context, "Dockerfile"));
    await build(engine, BASE_IMAGE, context);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  // Each image after the one its FROM names.
  const built = [BASE_IMAGE];
  let pending = readdirSync(IMAGES_DIR)
    .filter((n) => n !== "busybox")
    .sort();
  while (pending.length > 0) {
    const ready = pending.filter((n) => built.includes(baseOf(n)));
    if (ready.length === 0) throw new Error(`test images with a FROM no other test image provides: ${pending.join(", ")}`);
    for (const name of ready) {
      await build(engine, imageTag(name), join(IMAGES_DIR, name));
      built.push(imageTag(name));
    }
    pending = pending.filter((n) => !ready.includes(n));
  }
  return built;
}

function baseOf(name: string): string {
  const from = /^FROM\s+(\S+)/m.exec(readFileSync(join(IMAGES_DIR, name, "Dockerfile"), "utf8"));
  return from?.[1] ?? "";
}

export async function build(engine: DockerEngine, tag: string, context: string, extraArgs: readonly string[] = []): Promise<string> {
  return engine.must(["build", "--quiet", "--tag", tag, ...extraArgs, context], { timeoutMs: 120_000 });
}

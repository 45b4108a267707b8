import { CONTAINER_KEYS } from "./container-settings.js";
import type { Node } from "./context.js";

/** Keys the service's own normalizers read; everything else is a container setting, an extension, or rejected. */
const STRUCTURED_KEYS = new Set([
  "image",
  "build",
  "pull_policy",
  "command",
  "entrypoint",
  "environment",
  "env_file",
  "labels",
  "ports",
  "expose",
  "volumes",
  "tmpfs",
  "volumes_from",
  "links",
  "external_links",
  "depends_on",
  "network_mode",
  "networks",
  "hostname",
  "user",
  "working_dir",
  "restart",
  "container_name",
  "stop_grace_period",
  "stop_signal",
  "healthcheck",
  "ipc",
  "pid",
  "profiles",
  "scale",
  "deploy",
  "x-compose2units",
  "secrets",
  "configs",
  "post_start",
  "pre_stop",
]);

/** Why a compose key is refused, for keys that have no meaning for one container under systemd. */
const REJECTED_KEYS: Readonly<Record<string, string>> = {
  annotations: "annotations need docker 24 or newer (`docker run --annotation`), which the supported hosts lack",
  credential_spec: "credential_spec applies to Windows containers only",
  isolation: "isolation applies to Windows containers only",
  cpu_count: "cpu_count applies to Windows containers only; use cpus",
  cpu_percent: "cpu_percent applies to Windows containers only; use cpus",
};

/**
 * Keys that only steer docker compose's own front end: harmless to leave in a
 * compose file that is also used for development, so they are ignored with a
 * warning rather than refused.
 */
const IGNORED_KEYS: Readonly<Record<string, string>> = {
  attach: "attach only chooses what `docker compose up` prints; every container's output goes to the journal, and the key is ignored",
  develop: "develop is for `docker compose watch` during development; it has no meaning on a host and is ignored",
};

/** Every key of a service that is neither read nor an extension: a warning for those compose's front end alone uses, an error for the rest. */
export function checkServiceKeys(node: Node, name: string): void {
  const ctx = node.ctx;
  for (const key of Object.keys(node.value)) {
    if (CONTAINER_KEYS.has(key) || STRUCTURED_KEYS.has(key) || key.startsWith("x-")) continue;
    const ignored = IGNORED_KEYS[key];
    if (ignored !== undefined) {
      ctx.diagnostics.warning("unsupported-key", `service "${name}": ${ignored}`, node.keyAt(key));
      continue;
    }
    ctx.diagnostics.error("unsupported-key", `service "${name}": ${REJECTED_KEYS[key] ?? `"${key}" is not supported`}`, node.keyAt(key));
  }
}

import type { DiagnosticBag } from "../../diagnostics.js";
import type { Project } from "../../model/project.js";
import type { BundleOptions } from "../host-options.js";
import { SHELL, bundleDirectory } from "../layout.js";
import { CommandLine } from "./command-line.js";
import { renderUnit } from "./unit-file.js";

/**
 * Downloads the provisioning bundle, checks its SHA-256 and unpacks it,
 * once per boot, before any service of the project starts. A failed
 * download or a checksum mismatch fails this unit and so every service
 * that requires it, instead of running containers against missing files.
 */
export function provisionUnit(project: Project, bundle: BundleOptions, header: readonly string[], diagnostics: DiagnosticBag): string | undefined {
  const script = [
    "set -eu",
    "tmp=$(mktemp)",
    "trap 'rm -f \"$tmp\"' EXIT",
    'curl --fail --silent --show-error --location --retry 5 --output "$tmp" "$1"',
    'echo "$3  $tmp" | sha256sum --check --status || { echo "bundle $1 does not match SHA-256 $3" >&2; exit 1; }',
    'mkdir -p "$2"',
    'tar -xzf "$tmp" -C "$2"',
  ].join("; ");
  const what = "provisioning bundle";
  const text = new CommandLine(SHELL).add("-c", script, "provision", bundle.url, bundleDirectory(project, bundle), bundle.sha256).render(diagnostics, what);
  if (text === undefined) return undefined;
  return renderUnit(
    header,
    [
      {
        name: "Unit",
        entries: [
          ["Description", `${project.name}: download and unpack the provisioning bundle`],
          ["Wants", "network-online.target"],
          ["After", "network-online.target"],
        ],
      },
      {
        name: "Service",
        entries: [
          ["Type", "oneshot"],
          ["RemainAfterExit", "yes"],
          ["TimeoutStartSec", "1800"],
          ["ExecStart", text],
        ],
      },
    ],
    diagnostics,
    what,
  );
}

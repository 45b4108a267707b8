import type { Project, Service } from "../../model/project.js";
import type { HostOptions } from "../host-options.js";
import { DOCKER, SHELL, cleanupScriptHostPath, dockerConfigDir } from "../layout.js";
import { CommandLine } from "./command-line.js";

/** One ExecStartPre= step that makes the service's image present on the host. */
export interface ImageStep {
  readonly command: CommandLine;
  readonly ignoreFailure: boolean;
}

/**
 * `pull_policy` in unit steps, or `docker load -i` for an image shipped as a
 * tarball. A missing image that cannot be had fails the unit with a message
 * in the journal; the later `docker create --pull never` never pulls
 * behind systemd's back.
 */
export function imageSteps(project: Project, service: Service, host: HostOptions): ImageStep[] {
  const image = service.image;
  // With registry credentials, every pull reads them from the project's own docker config folder.
  const config = host.registryAuth !== undefined ? ["--config", dockerConfigDir(project)] : [];
  const pull = [DOCKER, ...config, "pull"].join(" ");
  const ref = image.ref;
  if (image.kind === "archive") {
    return [
      { command: new CommandLine(DOCKER).add("load", "--input").addFrom(image.archive.at, image.archive.value), ignoreFailure: false },
      // A reloaded tag leaves the previous image dangling (seed 002); clean up right away.
      { command: new CommandLine(SHELL).add(cleanupScriptHostPath(project)), ignoreFailure: true },
    ];
  }
  switch (image.pull) {
    case "always":
      return [{ command: new CommandLine(DOCKER).add(...config, "pull").addFrom(ref.at, ref.value), ignoreFailure: false }];
    case "missing":
      return [
        {
          command: new CommandLine(SHELL)
            .add("-c", `${DOCKER} image inspect "$1" >/dev/null 2>&1 || exec ${pull} "$1"`, "pull-if-missing")
            .addFrom(ref.at, ref.value),
          ignoreFailure: false,
        },
      ];
    case "never":
      return [
        {
          command: new CommandLine(SHELL)
            .add(
              "-c",
              `${DOCKER} image inspect "$1" >/dev/null 2>&1 || { echo "image $1 is not on this host and pull_policy is never" >&2; exit 1; }`,
              "require-image",
            )
            .addFrom(ref.at, ref.value),
          ignoreFailure: false,
        },
      ];
  }
}


import type { Project, Service } from "../../model/project.js";
import type { Engine } from "../engine.js";
import type { HostOptions } from "../host-options.js";
import { SHELL, cleanupScriptHostPath, registryAuthHostPath } from "../layout.js";
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
export function imageSteps(project: Project, service: Service, host: HostOptions, engine: Engine): ImageStep[] {
  const image = service.image;
  // With registry credentials, every pull reads them from the project's own copy.
  const pullWords = engine.pullWords(host.registryAuth !== undefined ? registryAuthHostPath(project) : undefined);
  const pull = [engine.binary, ...pullWords].join(" ");
  // `--` before every name the scripts are given: a name is never read as an option.
  const inspect = `${engine.binary} image inspect`;
  const ref = image.ref;
  if (image.kind === "archive") {
    return [
      { command: new CommandLine(engine.binary).add("load", "--input").addFrom(image.archive.at, image.archive.value), ignoreFailure: false },
      // A reloaded tag leaves the previous image dangling (seed 002); clean up right away.
      { command: new CommandLine(SHELL).add(cleanupScriptHostPath(project)), ignoreFailure: true },
    ];
  }
  switch (image.pull) {
    case "always":
      // A registry that cannot be reached must not keep an image already here from running: it
      // starts, with the reason in the journal; without the image the pull's failure fails the unit.
      return [
        {
          command: new CommandLine(SHELL)
            .add(
              "-c",
              `${pull} -- "$1" || { ${inspect} -- "$1" >/dev/null 2>&1 && echo "could not pull $1: starting the image already on this host" >&2; }`,
              "pull-always",
            )
            .addFrom(ref.at, ref.value),
          ignoreFailure: false,
        },
      ];
    case "missing":
      return [
        {
          command: new CommandLine(SHELL).add("-c", `${inspect} -- "$1" >/dev/null 2>&1 || exec ${pull} -- "$1"`, "pull-if-missing").addFrom(ref.at, ref.value),
          ignoreFailure: false,
        },
      ];
    case "never":
      return [
        {
          command: new CommandLine(SHELL)
            .add("-c", `${inspect} -- "$1" >/dev/null 2>&1 || { echo "image $1 is not on this host and pull_policy is never" >&2; exit 1; }`, "require-image")
            .addFrom(ref.at, ref.value),
          ignoreFailure: false,
        },
      ];
  }
}

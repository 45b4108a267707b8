import type { Project, Service } from "../../model/project.js";
import type { Engine } from "../engine.js";
import { SHELL, imageVolumesHolderName, imageVolumesScriptHostPath } from "../layout.js";
import { CommandLine } from "./command-line.js";

/**
 * The volumes an image declares (`VOLUME` in its Dockerfile) that the compose
 * file leaves unmounted are anonymous: they belong to the container. Compose
 * keeps a container across restarts and, when it recreates one, hands the
 * old container's anonymous volumes to the new one (`up` without
 * `--renew-anon-volumes`). Here every start replaces the container, which
 * `--rm` then removes with its anonymous volumes: a database image's data
 * would be gone after a restart.
 *
 * So they belong to a container of their own instead, created (never
 * started) from the same image: docker creates the image's volumes for it,
 * and the service's container takes them with `--volumes-from` (docker then
 * creates no new ones for those paths, and any mount the compose file gives
 * wins at its path). Each start runs the project's script below first.
 */
export function holdImageVolumesStep(project: Project, service: Service): CommandLine {
  return new CommandLine(SHELL)
    .add(imageVolumesScriptHostPath(project))
    .addFrom(service.at, imageVolumesHolderName(service.containerName))
    .addFrom(service.image.ref.at, service.image.ref.value);
}

/**
 * The script every service unit runs before creating its container: one
 * file per project, so that units stay short (user-data is small).
 *
 * When the image changed since the holder was made, a new holder takes the
 * volumes over from the old one, and the old one, and with it its hold on
 * the old image, goes: what compose's recreate does, while the cleanup
 * script can still remove old images. The new holder is renamed into place
 * only after the old one is gone; a start interrupted in between finds
 * `-next` and finishes the rename, so the volumes are never left without a
 * holder to be found by. With the holder in place and the image unchanged,
 * a start costs two inspects.
 */
export function imageVolumesScript(project: Project, engine: Engine, header: readonly string[]): string {
  const d = engine.binary;
  // An entrypoint that is never run: the holder must be creatable from any image, with or without a command.
  const create = `${d} create --pull never --entrypoint /image-volumes-holder`;
  return [
    "#!/bin/sh",
    ...header.map((h) => `# ${h}`),
    `# Keeps the volumes an image declares across the containers of a service (project ${project.name}):`,
    "# a container created from the image and never started holds them. Usage: HOLDER IMAGE",
    "set -u",
    "holder=$1",
    "image=$2",
    `want=$(${d} image inspect --format '{{.Id}}' -- "$image") || exit 1`,
    `have=$(${d} container inspect --format '{{.Image}}' -- "$holder" 2>/dev/null) || have=`,
    'if [ -z "$have" ]; then',
    "  # A switch-over cut short: the old holder is gone, the new one not yet renamed.",
    `  if ${d} container inspect -- "$holder-next" >/dev/null 2>&1; then`,
    `    ${d} rename -- "$holder-next" "$holder" || exit 1`,
    `    have=$(${d} container inspect --format '{{.Image}}' -- "$holder") || exit 1`,
    "  else",
    `    exec ${create} --name "$holder" -- "$image" >/dev/null`,
    "  fi",
    "fi",
    '[ "$have" = "$want" ] && exit 0',
    "# A new image: a new holder takes the volumes over, then the old one goes.",
    `${d} rm --force -- "$holder-next" >/dev/null 2>&1`,
    `${create} --name "$holder-next" --volumes-from "$holder" -- "$image" >/dev/null || exit 1`,
    `${d} rm -- "$holder" >/dev/null || exit 1`,
    `exec ${d} rename -- "$holder-next" "$holder"`,
    "",
  ].join("\n");
}

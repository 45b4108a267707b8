import type { Service } from "../../model/project.js";
import type { Engine } from "../engine.js";
import { SHELL, imageVolumesHolderName } from "../layout.js";
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
 * wins at its path). When the image changes, a new holder takes the volumes
 * over from the old one, and the old one, and with it its hold on the old
 * image, goes: what compose's recreate does, while the cleanup script can
 * still remove old images.
 *
 * The switch-over renames `<holder>-next` only after the old holder is gone;
 * a start interrupted in between finds `-next` and finishes the rename, so
 * the volumes are never left without a holder to be found by. A start with
 * the holder in place and the image unchanged costs two inspects.
 */
export function holdImageVolumesStep(service: Service, engine: Engine): CommandLine {
  const d = engine.binary;
  // An entrypoint that is never run: the holder must be creatable from any image, with or without a command.
  const create = `${d} create --pull never --entrypoint /image-volumes-holder`;
  const script = [
    `want=$(${d} image inspect --format '{{.Id}}' "$2") || exit 1`,
    `have=$(${d} container inspect --format '{{.Image}}' "$1" 2>/dev/null) || have=`,
    `if [ -z "$have" ]; then if ${d} container inspect "$1-next" >/dev/null 2>&1; then ${d} rename "$1-next" "$1" && have=$(${d} container inspect --format '{{.Image}}' "$1") || exit 1; else exec ${create} --name "$1" "$2" >/dev/null; fi; fi`,
    `[ "$have" = "$want" ] && exit 0`,
    `${d} rm --force "$1-next" >/dev/null 2>&1`,
    `${create} --name "$1-next" --volumes-from "$1" "$2" >/dev/null && ${d} rm "$1" >/dev/null && exec ${d} rename "$1-next" "$1"`,
  ].join("; ");
  return new CommandLine(SHELL)
    .add("-c", script, "hold-image-volumes")
    .addFrom(service.at, imageVolumesHolderName(service.containerName))
    .addFrom(service.image.ref.at, service.image.ref.value);
}

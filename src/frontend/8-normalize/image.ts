import type { ImageSource } from "../../model/project.js";
import { scalarText, type Node } from "./context.js";

export function imageSource(node: Node, name: string): ImageSource | undefined {
  const ref = scalarText(node.get("image"));
  const ext = node.child("x-compose2units");
  const archive = scalarText(ext?.get("image_archive"));
  if (node.has("build")) {
    if (ref === undefined) {
      node.ctx.diagnostics.error(
        "unsupported-key",
        `service "${name}" has build: but no image: compose2units runs images and does not build them; build and push the image (or save it with docker save and set x-compose2units.image_archive), then name it with image:`,
        node.keyAt("build"),
      );
      return undefined;
    }
    node.ctx.diagnostics.warning(
      "unsupported-key",
      `service "${name}": build: is ignored; the unit runs the image "${ref}", which must be pullable or loaded from an archive`,
      node.keyAt("build"),
    );
  }
  if (ref === undefined) {
    node.ctx.diagnostics.error("missing-key", `service "${name}" needs an image`, node.keyAt());
    return undefined;
  }
  // docker's references start with a letter or digit; one starting with "-" would be read as an option.
  if (!/^[^\s-][^\s]*$/.test(ref)) {
    node.report("invalid-reference", `invalid image reference "${ref}"`, "image");
    return undefined;
  }
  const refAt = { value: ref, at: node.at("image") };
  if (archive !== undefined) {
    if (!archive.startsWith("/")) {
      ext!.report("invalid-path", `image_archive "${archive}" must be an absolute path on the host`, "image_archive");
      return undefined;
    }
    return { kind: "archive", ref: refAt, archive: { value: archive, at: ext!.at("image_archive") } };
  }
  return { kind: "registry", ref: refAt, pull: pullPolicy(node) };
}

function pullPolicy(node: Node): "always" | "missing" | "never" {
  const text = scalarText(node.get("pull_policy"));
  switch (text) {
    case undefined:
    case "missing":
    case "if_not_present":
      return "missing";
    case "always":
    case "never":
      return text;
    default:
      node.ctx.diagnostics.error(
        "unsupported-key",
        `pull_policy "${text}" is not supported: use always, missing or never (images are not built on the host)`,
        node.at("pull_policy"),
      );
      return "missing";
  }
}

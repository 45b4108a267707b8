import type { DiagnosticBag } from "../../diagnostics.js";
import type { ComposeLayer } from "../2-layers/compose-layer.js";
import type { FileFormat } from "../2-layers/legacy-format.js";

/** Every file merged with the first must be in its format. */
export function checkSameFormat(layers: readonly ComposeLayer[], diagnostics: DiagnosticBag): void {
  const format = layers[0]!.format;
  for (const layer of layers.slice(1)) {
    if (layer.format !== format) {
      diagnostics.error(
        "mixed-formats",
        `${layer.display} is in the ${formatName(layer.format)} but ${layers[0]!.display} is in the ${formatName(format)}; files merged together must use the same format`,
        layer.tree.at,
      );
    }
  }
}

function formatName(format: FileFormat): string {
  return format === "v1" ? "version 1 format (services at the top level)" : "Compose Specification format";
}

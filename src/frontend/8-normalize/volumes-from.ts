import type { VolumesFrom } from "../../model/project.js";
import { parseVolumesFrom } from "../short-syntax/volumes-from.js";
import { scalarText, type Node } from "./context.js";

export function normalizeVolumesFrom(node: Node): VolumesFrom[] {
  const raw = node.get("volumes_from");
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((v, i): VolumesFrom[] => {
    const entry = parseVolumesFrom(scalarText(v) ?? "");
    if (!entry.ok) {
      node.report("invalid-reference", entry.reason, "volumes_from", i);
      return [];
    }
    return [{ ...entry.value, at: node.at("volumes_from", i) }];
  });
}

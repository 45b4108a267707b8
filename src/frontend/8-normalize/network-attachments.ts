import type { NetworkAttachment } from "../../model/project.js";
import { scalarText, type Node } from "./context.js";

export function normalizeNetworkAttachments(node: Node, format: "v1" | "compose"): NetworkAttachment[] {
  const raw = node.get("networks");
  if (raw === undefined || raw === null) {
    return format === "compose" ? [{ network: "default", aliases: [], linkLocalIps: [], at: node.keyAt() }] : [];
  }
  if (Array.isArray(raw)) {
    return raw
      .flatMap((v, i) => {
        const name = scalarText(v);
        return name ? [{ network: name, aliases: [], linkLocalIps: [], at: node.at("networks", i) }] : [];
      })
      .sort((a, b) => (a.network < b.network ? -1 : 1));
  }
  const map = node.child("networks");
  if (!map) return [];
  const texts = (spec: Node | undefined, key: string) => {
    const v = spec?.get(key);
    return Array.isArray(v) ? v.map((a) => scalarText(a) ?? "").filter(Boolean) : [];
  };
  const attachments = Object.keys(map.value).map((name) => {
    const spec = map.child(name);
    for (const key of ["mac_address", "driver_opts", "gw_priority", "interface_name"]) {
      if (spec?.has(key))
        node.ctx.diagnostics.error(
          "unsupported-key",
          `networks.${name}.${key} needs a newer docker than the supported hosts run and is not supported`,
          spec.keyAt(key),
        );
    }
    const ipv4 = scalarText(spec?.get("ipv4_address"));
    const ipv6 = scalarText(spec?.get("ipv6_address"));
    const priority = Number(scalarText(spec?.get("priority")) ?? 0);
    const attachment: NetworkAttachment = {
      network: name,
      aliases: texts(spec, "aliases"),
      ...(ipv4 ? { ipv4Address: ipv4 } : {}),
      ...(ipv6 ? { ipv6Address: ipv6 } : {}),
      linkLocalIps: texts(spec, "link_local_ips"),
      ...(spec?.has("priority") && Number.isFinite(priority) ? { priority } : {}),
      at: map.keyAt(name),
    };
    return { attachment, priority: Number.isFinite(priority) ? priority : 0 };
  });
  return attachments.sort((a, b) => b.priority - a.priority || (a.attachment.network < b.attachment.network ? -1 : 1)).map((a) => a.attachment);
}

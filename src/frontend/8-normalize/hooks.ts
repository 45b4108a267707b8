import type { LifecycleHook, Located } from "../../model/project.js";
import { asBoolean, scalarText, type Node } from "./context.js";
import { commandWords, normalizeEnvironment } from "./process-settings.js";

/** `post_start:` or `pre_stop:`: each hook's command, user, privileges, working directory and environment. */
export function normalizeHooks(service: Node, key: "post_start" | "pre_stop"): LifecycleHook[] {
  const raw = service.get(key);
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((_, i): LifecycleHook[] => {
    const hook = service.descend(key, i);
    if (!hook) return []; // the schema requires a mapping
    const command = commandWords(hook, "command");
    if (!command || command.value.length === 0 || command.value[0] === "") {
      hook.report("missing-key", `a ${key} hook needs a command`, ...(hook.has("command") ? ["command"] : []));
      return [];
    }
    const text = (k: string): Located<string> | undefined => {
      const v = scalarText(hook.get(k));
      return v === undefined || v === "" ? undefined : { value: v, at: hook.at(k) };
    };
    const user = text("user");
    const workingDir = text("working_dir");
    if (workingDir && !workingDir.value.startsWith("/")) {
      hook.report("invalid-path", `working_dir "${workingDir.value}" must be an absolute path`, "working_dir");
      return [];
    }
    return [
      {
        command,
        ...(user ? { user } : {}),
        privileged: asBoolean(hook.get("privileged")) ?? false,
        ...(workingDir ? { workingDir } : {}),
        environment: normalizeEnvironment(hook),
        at: service.at(key, i),
      },
    ];
  });
}

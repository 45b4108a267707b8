import type { LifecycleHook, Project, Service } from "../../model/project.js";
import type { Engine } from "../engine.js";
import { hookEnvFileHostPath, type HookKey } from "../layout.js";
import { CommandLine } from "./command-line.js";

/**
 * One lifecycle hook as `docker exec` in the service's running container:
 * post_start hooks run as ExecStartPost= once the container is running,
 * pre_stop hooks as ExecStop= before `docker stop`. The hook's environment
 * comes from its own 0600 env file, never from the unit text.
 */
export function hookCommand(project: Project, service: Service, { key, index, hook }: NumberedHook, engine: Engine): CommandLine {
  const cmd = new CommandLine(engine.binary).add("exec");
  if (hook.user) cmd.add("--user").addFrom(hook.user.at, hook.user.value);
  if (hook.privileged) cmd.add("--privileged");
  if (hook.workingDir) cmd.add("--workdir").addFrom(hook.workingDir.at, hook.workingDir.value);
  if (hook.environment.length > 0) cmd.add("--env-file", hookEnvFileHostPath(project, service.name, key, index));
  return cmd
    .add("--")
    .addFrom(service.at, service.containerName)
    .addFrom(hook.command.at, ...hook.command.value);
}

/** A hook with the number its env file is named by. */
export interface NumberedHook {
  readonly key: HookKey;
  readonly index: number;
  readonly hook: LifecycleHook;
}

/** A service's hooks, post_start first, each numbered from 1 in the order written under its key. */
export function numberedHooks(service: Service): NumberedHook[] {
  const numbered = (key: HookKey, hooks: readonly LifecycleHook[]) => hooks.map((hook, i) => ({ key, index: i + 1, hook }));
  return [...numbered("post_start", service.postStart), ...numbered("pre_stop", service.preStop)];
}

import type { Project } from "../model/project.js";

interface Index {
  readonly volumes: ReadonlyMap<string, string>;
  readonly networks: ReadonlyMap<string, string>;
}

/** Built once per project: looking a resource up for every mount of every service must not scan the whole list. */
const indexes = new WeakMap<Project, Index>();

function indexOf(project: Project): Index {
  let index = indexes.get(project);
  if (!index) {
    index = {
      volumes: new Map(project.volumes.map((v) => [v.key, v.dockerName])),
      networks: new Map(project.networks.map((n) => [n.key, n.dockerName])),
    };
    indexes.set(project, index);
  }
  return index;
}

/** The docker name of the named volume declared under `key` (the loader guarantees it is declared). */
export function volumeDockerName(project: Project, key: string): string {
  return indexOf(project).volumes.get(key)!;
}

/** The docker name of the network declared under `key` (the loader guarantees it is declared). */
export function networkDockerName(project: Project, key: string): string {
  return indexOf(project).networks.get(key)!;
}

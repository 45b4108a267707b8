import toposort from "toposort";
import type { DiagnosticBag } from "../diagnostics.js";
import type { Dependency, Project, Service } from "../model/project.js";

/** The project with its services in start order: every service after all it depends on. */
export interface OrderedProject {
  readonly project: Project;
  readonly startOrder: readonly Service[];
}

/**
 * The graph pass: orders services by their dependency edges (depends_on,
 * links, volumes_from, shared namespaces) and reports every cycle, naming
 * each service on it.
 */
export function orderServices(project: Project, diagnostics: DiagnosticBag): OrderedProject | undefined {
  const byName = new Map(project.services.map((s) => [s.name, s]));
  const edges: [string, string][] = [];
  for (const s of project.services) {
    for (const d of s.dependsOn) if (byName.has(d.service)) edges.push([d.service, s.name]);
  }
  const cycles = findCycles(project.services, byName);
  for (const { members, path } of cycles) {
    const first = byName.get(path[0]!)!;
    const target = path.length > 1 ? path[1]! : members.find((m) => first.dependsOn.some((d) => d.service === m))!;
    const edge = first.dependsOn.find((d) => d.service === target) as Dependency;
    const described =
      path.length === members.length ? [...path, path[0]!].join(" -> ") : `${members.join(", ")} (for example ${[...path, path[0]!].join(" -> ")})`;
    diagnostics.error("dependency-cycle", `dependency cycle between services: ${described}`, edge.at);
  }
  if (cycles.length > 0) return undefined;
  checkConditions(project, byName, diagnostics);
  // Names are sorted first so that independent services keep a stable, alphabetical order.
  const names = project.services.map((s) => s.name).sort();
  const order = toposort.array(names, edges);
  return { project, startOrder: order.map((n) => byName.get(n)!) };
}

/** Conditions that can never be met, found now rather than as a unit that fails at boot. */
function checkConditions(project: Project, byName: ReadonlyMap<string, Service>, diagnostics: DiagnosticBag): void {
  for (const s of project.services) {
    for (const d of s.dependsOn) {
      const dependency = byName.get(d.service);
      if (d.condition === "service_healthy" && dependency?.healthcheck?.test[0] === "NONE") {
        diagnostics.error("invalid-value", `service "${s.name}" waits for "${d.service}" to be healthy, but its healthcheck is disabled`, d.at);
      }
    }
  }
}

/**
 * Strongly connected components (Tarjan) with more than one member, or a
 * service that depends on itself; each reported as one path through the cycle
 * starting at its alphabetically first service.
 */
function findCycles(services: readonly Service[], byName: ReadonlyMap<string, Service>): { members: string[]; path: string[] }[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const next = (name: string) => byName.get(name)!.dependsOn.map((d) => d.service).filter((n) => byName.has(n)).sort();

  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of next(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || next(v).includes(v)) components.push(component);
    }
  };
  for (const s of [...services].sort((a, b) => (a.name < b.name ? -1 : 1))) if (!index.has(s.name)) visit(s.name);

  return components
    .map((component) => ({ members: [...component].sort(), path: cyclePath(new Set(component), next) }))
    .sort((a, b) => (a.members[0]! < b.members[0]! ? -1 : 1));
}

/**
 * A simple cycle from the component's first member, through every member
 * when the search finds one within its budget (the search is exponential in
 * the worst case; the budget keeps a huge tangled component from hanging).
 */
function cyclePath(members: ReadonlySet<string>, next: (n: string) => string[]): string[] {
  const start = [...members].sort()[0]!;
  let best: string[] = [start];
  const path: string[] = [start];
  const seen = new Set([start]);
  let budget = 10_000;
  const dfs = (v: string): boolean => {
    if (--budget < 0) return true;
    for (const w of next(v)) {
      if (!members.has(w)) continue;
      if (w === start) {
        if (path.length > best.length || best.length === 1) best = [...path];
        if (path.length === members.size) return true;
        continue;
      }
      if (seen.has(w)) continue;
      seen.add(w);
      path.push(w);
      if (dfs(w)) return true;
      path.pop();
      seen.delete(w);
    }
    return false;
  };
  dfs(start);
  return best;
}

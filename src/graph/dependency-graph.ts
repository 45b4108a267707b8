import type { DiagnosticBag } from "../diagnostics.js";
import type { Dependency, Project, Service } from "../model/project.js";

/**
 * The project with what the graph says about it: services in start order
 * (each after all it depends on) and the facts about one service that only
 * its neighbours can tell. Computed once here, so that emitters stay linear.
 */
export interface OrderedProject {
  readonly project: Project;
  readonly startOrder: readonly Service[];
  readonly byName: ReadonlyMap<string, Service>;
  /** Services another one waits on with service_completed_successfully: jobs, not daemons. */
  readonly runsToCompletion: ReadonlySet<string>;
  /** Services another one takes volumes_from: their container must outlive their process. */
  readonly sharesVolumes: ReadonlySet<string>;
}

/**
 * The graph pass: orders services by their dependency edges (depends_on,
 * links, volumes_from, shared namespaces) and reports every cycle, naming
 * each service on it.
 *
 * Why not the `toposort` package: it sorts by recursion, one stack frame per
 * service along a dependency chain, and overflows the stack on chains of a
 * few thousand services; its cycle error also names only one service. Both
 * jobs are done here without recursion.
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
  const order = startOrder(
    project.services.map((s) => s.name),
    edges,
  );
  const runsToCompletion = new Set<string>();
  const sharesVolumes = new Set<string>();
  for (const s of project.services) {
    for (const d of s.dependsOn) if (d.condition === "service_completed_successfully") runsToCompletion.add(d.service);
    for (const v of s.volumesFrom) if (v.source.kind === "service") sharesVolumes.add(v.source.name);
  }
  return { project, startOrder: order.map((n) => byName.get(n)!), byName, runsToCompletion, sharesVolumes };
}

/**
 * Kahn's algorithm with the alphabetically first ready service taken next,
 * so the order is stable and independent services stay in name order.
 * Runs only on acyclic graphs (cycles are reported before).
 */
function startOrder(names: readonly string[], edges: readonly (readonly [string, string])[]): string[] {
  const waitingOn = new Map(names.map((n) => [n, 0]));
  const dependents = new Map<string, string[]>();
  for (const [from, to] of edges) {
    waitingOn.set(to, waitingOn.get(to)! + 1);
    dependents.set(from, [...(dependents.get(from) ?? []), to]);
  }
  const ready = new MinHeap(names.filter((n) => waitingOn.get(n) === 0));
  const order: string[] = [];
  for (let next = ready.pop(); next !== undefined; next = ready.pop()) {
    order.push(next);
    for (const d of dependents.get(next) ?? []) {
      const left = waitingOn.get(d)! - 1;
      waitingOn.set(d, left);
      if (left === 0) ready.push(d);
    }
  }
  return order;
}

/** A binary heap of strings, smallest first. */
class MinHeap {
  private readonly items: string[] = [];

  constructor(initial: readonly string[]) {
    for (const item of initial) this.push(item);
  }

  push(item: string): void {
    const a = this.items;
    a.push(item);
    for (let i = a.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (a[parent]! <= a[i]!) break;
      [a[parent], a[i]] = [a[i]!, a[parent]!];
      i = parent;
    }
  }

  pop(): string | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]! < a[m]!) m = l;
        if (r < a.length && a[r]! < a[m]!) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}

/** Conditions that can never be met, found now rather than as a unit that fails at boot. */
function checkConditions(project: Project, byName: ReadonlyMap<string, Service>, diagnostics: DiagnosticBag): void {
  for (const s of project.services) {
    for (const d of s.dependsOn) {
      const dependency = byName.get(d.service);
      if (d.condition === "service_healthy" && dependency?.healthcheck?.kind === "disabled") {
        diagnostics.error("healthcheck-disabled", `service "${s.name}" waits for "${d.service}" to be healthy, but its healthcheck is disabled`, d.at);
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
  const next = (name: string) =>
    byName
      .get(name)!
      .dependsOn.map((d) => d.service)
      .filter((n) => byName.has(n))
      .sort();

  // Iterative, so that a chain of thousands of services cannot exhaust the call stack.
  const visit = (root: string) => {
    const frames: { v: string; edges: string[]; i: number }[] = [];
    const enter = (v: string) => {
      index.set(v, counter);
      low.set(v, counter);
      counter++;
      stack.push(v);
      onStack.add(v);
      frames.push({ v, edges: next(v), i: 0 });
    };
    enter(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      if (frame.i < frame.edges.length) {
        const w = frame.edges[frame.i++]!;
        if (!index.has(w)) enter(w);
        else if (onStack.has(w)) low.set(frame.v, Math.min(low.get(frame.v)!, index.get(w)!));
        continue;
      }
      frames.pop();
      const v = frame.v;
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent.v, Math.min(low.get(parent.v)!, low.get(v)!));
      if (low.get(v) !== index.get(v)) continue;
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || frame.edges.includes(v)) components.push(component);
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
    if (--budget < 0 || path.length > 500) return true;
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

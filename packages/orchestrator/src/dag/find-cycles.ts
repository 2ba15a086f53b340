/**
 * The cycles of a directed graph given as node -> successors, each as a closed path [a, b, ..., a].
 * One cycle per back edge found by depth-first search, enough to name every cyclic dependency.
 */
export function findCycles(successors: ReadonlyMap<string, readonly string[]>): string[][] {
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (n: string): void => {
    state.set(n, 'active');
    stack.push(n);
    for (const m of successors.get(n) ?? []) {
      if (state.get(m) === 'active') cycles.push([...stack.slice(stack.indexOf(m)), m]);
      else if (!state.has(m) && successors.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of successors.keys()) if (!state.has(n)) visit(n);
  return cycles;
}

import { Parents } from './dag';

/**
 * The cycles of a DAG-to-be, each as a closed path [a, b, ..., a] following dependencies (a node, the
 * one it reads from, ...). One cycle per back edge found by depth-first search, enough to name every
 * cyclic dependency; references to unknown nodes are ignored (validation reports them).
 */
export function findCycles(parents: Parents): string[][] {
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (n: string): void => {
    state.set(n, 'active');
    stack.push(n);
    for (const m of parents.get(n) ?? []) {
      if (state.get(m) === 'active') cycles.push([...stack.slice(stack.indexOf(m)), m]);
      else if (!state.has(m) && parents.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of parents.keys()) if (!state.has(n)) visit(n);
  return cycles;
}

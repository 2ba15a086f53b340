import { RtlabError } from '@rtlab/sdk';
import { ProgramNode } from './onnx-program';

/**
 * The nodes in an order where each reads only values computed before it (ONNX asks files to be so
 * ordered; this does not trust them). `given` are the values that exist before any node runs.
 * Throws naming a node that reads a value nothing provides, a value written twice, or a cycle.
 */
export function inGraphOrder(nodes: ProgramNode[], given: Set<string>, where: string): ProgramNode[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) =>
    n.outputs.forEach((o) => {
      if (!o) return;
      if (producer.has(o) || given.has(o))
        throw new RtlabError('input', `${where}: value ${o} is written twice (node "${n.name}")`);
      producer.set(o, i);
    }),
  );
  const waiting = nodes.map((n) => {
    const deps = new Set<number>();
    for (const v of n.inputs) {
      if (!v || given.has(v)) continue;
      const p = producer.get(v);
      if (p === undefined)
        throw new RtlabError(
          'input',
          `${where}: node "${n.name}" reads ${v}, which no node, initializer or input provides`,
        );
      deps.add(p);
    }
    return deps;
  });
  const readers = nodes.map(() => [] as number[]);
  waiting.forEach((deps, i) => deps.forEach((d) => readers[d].push(i)));
  const ready = waiting.flatMap((deps, i) => (deps.size === 0 ? [i] : []));
  const order: ProgramNode[] = [];
  while (ready.length) {
    const i = ready.shift()!;
    order.push(nodes[i]);
    for (const r of readers[i]) {
      waiting[r].delete(i);
      if (waiting[r].size === 0) ready.push(r);
    }
  }
  if (order.length < nodes.length) {
    const stuck = nodes.find((_, i) => waiting[i].size > 0)!;
    throw new RtlabError('input', `${where}: the graph has a cycle through node "${stuck.name}"`);
  }
  return order;
}

/** The nodes that `target` depends on, in their order. */
export function nodesFor(target: string, ordered: ProgramNode[]): ProgramNode[] {
  const needed = new Set([target]);
  const keep: ProgramNode[] = [];
  for (let i = ordered.length - 1; i >= 0; i--) {
    const n = ordered[i];
    if (!n.outputs.some((o) => needed.has(o))) continue;
    keep.push(n);
    n.inputs.forEach((v) => v && needed.add(v));
  }
  return keep.reverse();
}

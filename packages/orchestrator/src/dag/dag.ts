/**
 * A DAG as node id -> the ids it depends on (its parents), in insertion order. Every graph operation of
 * the engine works on this one shape: validation (cycles), ordering, `--only`, and the scheduler.
 */
export type Parents = ReadonlyMap<string, readonly string[]>;

/** Node id -> the ids that depend on it, in the order the dependants were inserted. */
export function childrenOf(parents: Parents): Map<string, string[]> {
  const children = new Map<string, string[]>([...parents.keys()].map((id) => [id, []]));
  for (const [id, ps] of parents) for (const p of ps) children.get(p)?.push(id);
  return children;
}

/** Every id in an order where each comes after its parents (input order among independent ids). Assumes no cycle. */
export function topologicalOrder(parents: Parents): string[] {
  const done = new Set<string>();
  const order: string[] = [];
  const visit = (id: string): void => {
    if (done.has(id)) return;
    done.add(id);
    for (const p of parents.get(id) ?? []) visit(p);
    order.push(id);
  };
  for (const id of parents.keys()) visit(id);
  return order;
}

/** The targets and every id they depend on, directly or not. */
export function ancestorsOf(parents: Parents, targets: Iterable<string>): Set<string> {
  const keep = new Set<string>();
  const stack = [...targets];
  while (stack.length) {
    const id = stack.pop()!;
    if (keep.has(id)) continue;
    keep.add(id);
    stack.push(...(parents.get(id) ?? []));
  }
  return keep;
}

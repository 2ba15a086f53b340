import { catchError, defaultIfEmpty, map, mergeMap, Observable, of, Subject, takeLast } from 'rxjs';
import { childrenOf, Parents } from '../dag/dag';

export type NodeOutcome =
  | { id: string; status: 'done'; value: unknown }
  | { id: string; status: 'failed'; error: unknown }
  | { id: string; status: 'skipped'; failedAncestor: string };

/**
 * Runs a DAG: a node starts when all its parents are done, at most `concurrency` at once. A failed node
 * skips all its descendants; independent branches carry on. Emits one outcome per node, then completes.
 * Unsubscribing cancels the nodes in flight (each `execute` observable is unsubscribed).
 * @example scheduleDag(new Map([['a', []], ['b', ['a']]]), (id) => from(run(id)), 2)
 */
export function scheduleDag(
  parents: Parents,
  execute: (id: string) => Observable<unknown>,
  concurrency: number,
): Observable<NodeOutcome> {
  return new Observable<NodeOutcome>((subscriber) => {
    const children = childrenOf(parents);
    const waiting = new Map([...parents].map(([id, ps]) => [id, ps.length]));
    const settled = new Set<string>();
    const ready$ = new Subject<string>();

    const settle = (outcome: NodeOutcome): void => {
      settled.add(outcome.id);
      subscriber.next(outcome);
      if (outcome.status === 'failed') skipDescendants(outcome.id);
      else for (const c of children.get(outcome.id)!) release(c);
      if (settled.size === parents.size) subscriber.complete();
    };
    const release = (id: string): void => {
      waiting.set(id, waiting.get(id)! - 1);
      if (waiting.get(id) === 0 && !settled.has(id)) ready$.next(id);
    };
    const skipDescendants = (failed: string): void => {
      const queue = [...children.get(failed)!];
      while (queue.length) {
        const id = queue.shift()!;
        if (settled.has(id)) continue;
        settled.add(id);
        subscriber.next({ id, status: 'skipped', failedAncestor: failed });
        queue.push(...children.get(id)!);
      }
    };

    const subscription = ready$
      .pipe(
        mergeMap(
          (id) =>
            execute(id).pipe(
              takeLast(1),
              defaultIfEmpty(undefined),
              map((value): NodeOutcome => ({ id, status: 'done', value })),
              catchError((error) => of<NodeOutcome>({ id, status: 'failed', error })),
            ),
          Math.max(1, concurrency),
        ),
      )
      .subscribe(settle);
    if (parents.size === 0) subscriber.complete();
    for (const [id, n] of waiting) if (n === 0) ready$.next(id);
    return () => subscription.unsubscribe();
  });
}

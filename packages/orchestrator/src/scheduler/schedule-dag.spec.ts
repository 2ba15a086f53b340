import { TestScheduler } from 'rxjs/testing';
import { Observable } from 'rxjs';
import { scheduleDag } from './schedule-dag';

function scheduler() {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

//   a --> b --> d
//   a --> c --/
const diamond = new Map([
  ['a', []],
  ['b', ['a']],
  ['c', ['a']],
  ['d', ['b', 'c']],
]);

describe('scheduleDag (marble tests)', () => {
  it('runs independent branches concurrently and joins them', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const durations: Record<string, string> = { a: '-x|', b: '---x|', c: '-x|', d: '-x|' };
      const out = scheduleDag(diamond, (id) => cold(durations[id]), 4);
      expectObservable(out).toBe('--a-c-b-(d|)', {
        a: { id: 'a', status: 'done', value: 'x' },
        b: { id: 'b', status: 'done', value: 'x' },
        c: { id: 'c', status: 'done', value: 'x' },
        d: { id: 'd', status: 'done', value: 'x' },
      });
    });
  });

  it('respects the concurrency limit', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const roots = new Map([
        ['a', []],
        ['b', []],
        ['c', []],
      ]);
      const out = scheduleDag(roots, () => cold('-----x|'), 2);
      expectObservable(out).toBe('------(ab)--(c|)', {
        a: { id: 'a', status: 'done', value: 'x' },
        b: { id: 'b', status: 'done', value: 'x' },
        c: { id: 'c', status: 'done', value: 'x' },
      });
    });
  });

  it('skips descendants of a failed node while its sibling finishes', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const run = (id: string): Observable<string> =>
        id === 'b' ? cold('-#', undefined, new Error('boom')) : id === 'a' ? cold('---x|') : cold('--------x|');
      const out = scheduleDag(diamond, run, 4);
      expectObservable(out).toBe('----a(bs)----(c|)', {
        a: { id: 'a', status: 'done', value: 'x' },
        b: { id: 'b', status: 'failed', error: new Error('boom') },
        s: { id: 'd', status: 'skipped', failedAncestor: 'b' },
        c: { id: 'c', status: 'done', value: 'x' },
      });
    });
  });

  it('cancels running nodes when unsubscribed', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const work = cold('-----x|');
      const out = scheduleDag(new Map([['a', []]]), () => work, 1);
      expectObservable(out, '^--!').toBe('');
      expectSubscriptions(work.subscriptions).toBe('^--!');
    });
  });
});

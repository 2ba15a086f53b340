import { Observable } from 'rxjs';
import { RtlabError } from '@rtlab/sdk';

/**
 * A promise-returning task as a one-value observable that the run's signal or an unsubscription aborts
 * (the scheduler unsubscribes when the run stops). `settle` turns its outcome into the emitted value, or
 * records a failure before the error is passed on; a task aborted by unsubscription emits nothing.
 */
export function abortableTask<T, R>(
  task: (signal: AbortSignal) => Promise<T>,
  runSignal: AbortSignal,
  settle: { done(value: T): R; failed(error: unknown): void },
): Observable<R> {
  return new Observable<R>((subscriber) => {
    const unsubscribed = new AbortController();
    let settled = false;
    task(AbortSignal.any([runSignal, unsubscribed.signal])).then(
      (value) => {
        settled = true;
        subscriber.next(settle.done(value));
        subscriber.complete();
      },
      (error) => {
        settled = true;
        if (subscriber.closed) return;
        settle.failed(error);
        subscriber.error(error);
      },
    );
    return () => {
      if (!settled) unsubscribed.abort(new RtlabError('aborted', 'unsubscribed'));
    };
  });
}

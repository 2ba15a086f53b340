import { RtlabError } from '@rtlab/sdk';
import { ArtifactCache } from '../../cache/artifact-cache';
import { shardKey } from '../../cache/cache-key';
import { ProgressReporter } from '../../progress/progress-reporter';
import { QueueCoordinator, Submitted } from './queue-coordinator';
import { QueueJobData } from './queue-job';

/** How long an output or input may take to appear on a shared mount before it counts as missing. */
export const VISIBLE_MS = 30_000;

export type NodeJob = Omit<QueueJobData, 'coordinator' | 'outputKey' | 'shard'>;

export interface OnQueue {
  /** The keys the outputs were stored under: the node's key, or one per shard (in order) to merge. */
  outputKeys: string[];
  workers: string[];
  backend: string;
  /** Every job had been pushed by another coordinator: this run only waited. */
  joined: boolean;
  leaked: number;
}

/**
 * Runs one node on the queue, whole or as one job per shard range of `shardPort`, and waits until
 * the workers have written every output to the cache. Progress of the shards is summed per node.
 */
export async function runOnQueue(
  queue: QueueCoordinator,
  cache: ArtifactCache,
  reporter: ProgressReporter,
  node: NodeJob,
  shards: { port: string; ranges: [number, number][] } | undefined,
  o: { signal: AbortSignal; started: () => void; force: boolean },
): Promise<OnQueue> {
  const { signal, started } = o;
  const jobs =
    !shards || shards.ranges.length < 2
      ? [{ ...node, outputKey: node.key }]
      : shards.ranges.map(([start, end]) => ({
          ...node,
          outputKey: shardKey(node.key, start, end),
          shard: { port: shards.port, start, end },
        }));
  // --force: the entries go here, where the cache is this run's to change (a worker keeps the first entry
  // under a key, whatever a job asks), and the finished jobs that would answer at once go too
  if (o.force) await Promise.all(jobs.flatMap((j) => [queue.forget(j.outputKey), cache.remove(j.outputKey)]));
  const progress = jobs.map(() => ({ done: 0, total: 1 }));
  let first = true;
  const results = await Promise.all(
    jobs.map((job, i) =>
      submitUntilCached(queue, cache, job, signal, {
        started: () => (first ? ((first = false), started()) : undefined),
        progress: (p) => {
          progress[i] = p;
          reporter.nodeProgress(
            node.nodeId,
            progress.reduce((n, q) => n + q.done, 0),
            progress.reduce((n, q) => n + q.total, 0),
            jobs.length > 1 ? `${jobs.length} shards` : undefined,
          );
        },
      }),
    ),
  );
  return {
    outputKeys: jobs.map((j) => j.outputKey),
    workers: [...new Set(results.map((r) => r.worker))],
    backend: results[0].backend,
    joined: !results.some((r) => r.own),
    leaked: results.reduce((n, r) => n + r.leaked, 0),
  };
}

/**
 * Submits a job and checks that its output reached this cache. A finished job whose output is gone
 * (the cache was cleared) is pushed once more; gone again, the workers write to another folder.
 */
async function submitUntilCached(
  queue: QueueCoordinator,
  cache: ArtifactCache,
  job: Omit<QueueJobData, 'coordinator'>,
  signal: AbortSignal,
  watcher: Parameters<QueueCoordinator['submit']>[2],
): Promise<Submitted> {
  for (let attempt = 0; ; attempt++) {
    const result = await queue.submit(job, signal, watcher);
    if (cache.has(job.outputKey) || (await cache.appears(job.outputKey, VISIBLE_MS))) return result;
    if (attempt > 0)
      throw new RtlabError(
        'cache',
        `worker ${result.worker} finished ${job.nodeId}, but its result is not in the cache at ${cache.root}: workers must write to the same directory (--cache-dir on a shared mount)`,
      );
    await queue.forget(job.outputKey);
  }
}

import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import { Job, Queue, QueueEvents } from 'bullmq';
import { RtlabError } from '@rtlab/sdk';
import { ProgressReporter } from '../../progress/progress-reporter';
import { checkRedis, QUEUE_NAME, redactPassword, redisOptions } from './redis-connection';
import { QueueJobData, QueueJobProgress, QueueJobResult } from './queue-job';

/** How often a wait checks that its job still exists (Redis restarted without persistence loses jobs, and missed events are not replayed). */
const POLL_MS = 5_000;

/** Finished jobs stay this long, so that a coordinator arriving late joins the finished job instead of pushing it again. */
const KEEP_FINISHED_S = 7 * 24 * 3600;

export interface Submitted extends QueueJobResult {
  /** False when another coordinator had pushed the same job: this run waited for it. */
  own: boolean;
}

interface Watcher {
  started(): void;
  progress(p: QueueJobProgress): void;
}

/**
 * The coordinator's side of the queue: pushes jobs (id = output cache key) and waits for their
 * workers. rtlab's own DAG scheduler decides what is ready; BullMQ only carries the work.
 */
export class QueueCoordinator {
  readonly id = `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly watchers = new Map<string, Watcher>();
  private warned = false;

  private constructor(
    readonly url: string,
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly reporter: ProgressReporter,
  ) {
    events.on('active', ({ jobId }) => this.watchers.get(jobId)?.started());
    events.on('progress', ({ jobId, data }) => {
      const p = progressOf(data);
      if (p) this.watchers.get(jobId)?.progress(p);
    });
    const warn = (e: Error) => {
      if (!this.warned) reporter.info(`warning: Redis at ${redactPassword(url)}: ${e.message} (retrying)`);
      this.warned = true;
    };
    queue.on('error', warn);
    queue.setMaxListeners(0); // every job being waited for listens for the queue closing
    events.on('error', warn);
  }

  static async connect(url: string, reporter: ProgressReporter): Promise<QueueCoordinator> {
    await checkRedis(url);
    const connection = redisOptions(url);
    const coordinator = new QueueCoordinator(
      url,
      new Queue(QUEUE_NAME, { connection }),
      new QueueEvents(QUEUE_NAME, { connection }),
      reporter,
    );
    await coordinator.events.waitUntilReady();
    if ((await coordinator.queue.getWorkersCount()) === 0)
      reporter.info(
        `warning: no rtlab worker is connected to ${redactPassword(url)} yet; jobs wait until one starts (rtlab worker --queue ...)`,
      );
    return coordinator;
  }

  /**
   * Pushes the job, or joins the one already there under the same id, and resolves when a worker has
   * finished it. A job that failed in an earlier run is retried. Aborting stops the wait only: the job
   * stays queued, and a rerun joins it.
   */
  async submit(data: Omit<QueueJobData, 'coordinator'>, signal: AbortSignal, watcher: Watcher): Promise<Submitted> {
    const jobId = data.outputKey;
    this.watchers.set(jobId, watcher);
    try {
      return await abortable(this.pushAndWait(data, watcher), signal);
    } catch (e) {
      if (e instanceof RtlabError) throw e;
      throw new RtlabError('plugin', (e as Error).message);
    } finally {
      this.watchers.delete(jobId);
    }
  }

  private async pushAndWait(data: Omit<QueueJobData, 'coordinator'>, watcher: Watcher): Promise<Submitted> {
    let own = false;
    for (;;) {
      const job = await this.push(data);
      own ||= (job.data as QueueJobData).coordinator === this.id;
      const state = await job.getState();
      if (state === 'active') watcher.started();
      if (state === 'failed' && (await retried(job))) own = true;
      const result = await this.finished(job);
      if (result) return { ...result, own };
      // the job vanished (Redis lost it, or another coordinator removed it to push it again): push it again
    }
  }

  /** The job's result, or undefined when it no longer exists; checked every POLL_MS besides the events. */
  private async finished(job: Job): Promise<QueueJobResult | undefined> {
    for (;;) {
      try {
        return (await job.waitUntilFinished(this.events, POLL_MS)) as QueueJobResult;
      } catch (e) {
        const state = await this.queue.getJobState(job.id!);
        if (state === 'unknown') return undefined;
        if (
          !/timed out before finishing/.test((e as Error).message) &&
          state !== 'active' &&
          state !== 'waiting' &&
          state !== 'delayed' &&
          state !== 'prioritized'
        )
          throw e;
      }
    }
  }

  /**
   * Adds the job unless one with its id exists, and reads back the one Redis holds: `add` returns our
   * own data even when another coordinator's job was there first. A job under the id that describes
   * other work (pushed by hand to squat the id; it would fail on every worker) is replaced by ours.
   */
  private async push(data: Omit<QueueJobData, 'coordinator'>): Promise<Job> {
    for (;;) {
      await this.queue.add(
        data.nodeId,
        { ...data, coordinator: this.id },
        { jobId: data.outputKey, removeOnComplete: { age: KEEP_FINISHED_S }, removeOnFail: { age: KEEP_FINISHED_S } },
      );
      const job = await this.queue.getJob(data.outputKey);
      if (!job) continue; // removed in between (by `forget`): push again
      if (sameWork(job.data, data)) return job;
      this.reporter.info(`warning: a job for other work held the id of ${data.nodeId}'s job on the queue; replaced`);
      await job.remove().catch(() => undefined); // a worker holds it: it fails at its check, then goes
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  /** Removes a job (finished, or waiting), so that it is pushed and computed again: a result gone from the cache, or --force. */
  async forget(outputKey: string): Promise<void> {
    const job = await this.queue.getJob(outputKey);
    await job?.remove().catch(() => undefined);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.events.close(), this.queue.close()]);
  }
}

/** Whether a job in Redis is the work described (the same description, key, output key and shard). */
function sameWork(held: unknown, ours: Omit<QueueJobData, 'coordinator'>): boolean {
  const h = held as Partial<QueueJobData> | null;
  return (
    !!h &&
    h.key === ours.key &&
    h.outputKey === ours.outputKey &&
    h.producer?.canonical === ours.producer.canonical &&
    JSON.stringify(h.shard ?? null) === JSON.stringify(ours.shard ?? null)
  );
}

/** A job's progress as a worker published it, if it is one: Redis holds whatever anyone wrote. */
function progressOf(data: unknown): QueueJobProgress | undefined {
  const p = data as Partial<QueueJobProgress> | null;
  const count = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n >= 0;
  if (!p || typeof p !== 'object' || !count(p.done) || !count(p.total)) return undefined;
  return { done: p.done!, total: p.total!, ...(typeof p.note === 'string' ? { note: p.note.slice(0, 200) } : {}) };
}

/** Retries a failed job; false when another coordinator retried it first. */
async function retried(job: Job): Promise<boolean> {
  try {
    await job.retry('failed');
    return true;
  } catch {
    return false;
  }
}

function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

import * as os from 'node:os';
import { Job, Worker } from 'bullmq';
import { Artifact, PluginInputs, RtlabError, sliceDataset } from '@rtlab/sdk';
import { checkArtifact } from '../../artifacts/check-artifact';
import { ArtifactCache } from '../../cache/artifact-cache';
import { ProgressReporter } from '../../progress/progress-reporter';
import { Executor } from '../executor';
import { wholeInputKeys } from '../plugin-job';
import { PluginFinder } from '../run-plugin-job';
import { checkRedis, QUEUE_NAME, redisOptions } from './redis-connection';
import { QueueJobData, QueueJobProgress, QueueJobResult } from './queue-job';
import { VISIBLE_MS } from './run-on-queue';

export interface QueueWorkerOptions {
  url: string;
  cache: ArtifactCache;
  /**
   * Makes the executor that runs the plugins (worker threads, so that this thread stays free to renew
   * BullMQ's job locks), given the reporter that publishes its progress to the jobs.
   */
  executor: (reporter: ProgressReporter) => Executor;
  plugins: PluginFinder;
  backend: string;
  /** A job whose worker stops renewing its lock for this long goes back to the queue. */
  lockMs: number;
  reporter: ProgressReporter;
  /** Overrides the data and model roots the coordinator sent (machines that mount them elsewhere). */
  dataRoot?: string;
  modelRoot?: string;
}

/** Published progress per job at most this often. */
const PROGRESS_INTERVAL_MS = 500;

/** A job that stalls (its worker died) more often than this fails instead of going back to the queue: a second loss fails it. */
const MAX_STALLS = 1;

export const WORKER_NAME = `${os.hostname()}:${process.pid}`;

/**
 * A machine's worker: takes node and shard jobs from the queue, reads their inputs from the shared
 * cache, runs the plugin on the executor and writes the output to the cache (atomically) before
 * the job completes. Resolves to the BullMQ worker; close it to stop.
 */
export async function startQueueWorker(o: QueueWorkerOptions): Promise<{ worker: Worker; executor: Executor }> {
  await checkRedis(o.url);
  const progress = new JobProgress(o.reporter);
  const executor = o.executor(progress);
  const worker = new Worker<QueueJobData, QueueJobResult>(QUEUE_NAME, (job) => runJob(job, o, executor, progress), {
    connection: redisOptions(o.url),
    concurrency: executor.size,
    lockDuration: o.lockMs,
    stalledInterval: Math.max(1000, Math.floor(o.lockMs / 2)),
    maxStalledCount: MAX_STALLS,
    autorun: false,
  });
  worker.on('error', (e) => o.reporter.info(`warning: ${e.message}`));
  worker.on('failed', (job, e) => job && o.reporter.nodeFinished(labelOf(job.data), 'failed', Date.now() - (job.processedOn ?? Date.now()), e.message));
  worker.on('completed', (job) => o.reporter.nodeFinished(labelOf(job.data), 'computed', Date.now() - (job.processedOn ?? Date.now())));
  void worker.run();
  await worker.waitUntilReady();
  return { worker, executor };
}

/** The worker's reporter: lines go to the terminal, node progress to the running job it belongs to. */
class JobProgress implements ProgressReporter {
  private readonly jobs = new Map<string, (p: QueueJobProgress) => void>();

  constructor(private readonly base: ProgressReporter) {}

  /** Publishes the progress of the job labelled `label` (throttled) until `end` is called. */
  watch(label: string, job: Job): () => void {
    let last = 0;
    this.jobs.set(label, (p) => {
      if (Date.now() - last < PROGRESS_INTERVAL_MS && p.done < p.total) return;
      last = Date.now();
      void job.updateProgress(p as unknown as object).catch(() => undefined);
    });
    return () => this.jobs.delete(label);
  }

  info(message: string): void {
    this.base.info(message);
  }
  nodeStarted(id: string): void {
    this.base.nodeStarted(id);
  }
  nodeProgress(id: string, done: number, total: number, note?: string): void {
    this.jobs.get(id)?.({ done, total, ...(note ? { note } : {}) });
  }
  nodeFinished(...args: Parameters<ProgressReporter['nodeFinished']>): void {
    this.base.nodeFinished(...args);
  }
  close(): void {
    this.base.close();
  }
}

/** The node, and its sample range for a shard: what this worker's lines and progress name. */
function labelOf(d: QueueJobData): string {
  return d.shard ? `${d.nodeId}[${d.shard.start}-${d.shard.end}]` : d.nodeId;
}

async function runJob(job: Job<QueueJobData>, o: QueueWorkerOptions, executor: Executor, progress: JobProgress): Promise<QueueJobResult> {
  const d = job.data;
  const label = labelOf(d);
  const unwatch = progress.watch(label, job);
  try {
    const plugin = o.plugins.find(d.kind, d.plugin);
    if (!plugin) throw new RtlabError('plugin', `no plugin ${d.kind}/${d.plugin} is installed on this worker`);
    const inputs = await loadInputs(o.cache, d);
    const { artifact, leaked } = await executor.run(
      { kind: d.kind, plugin: d.plugin, params: d.params, inputs, nodeId: label, key: d.key, dataRoot: o.dataRoot ?? d.dataRoot, modelRoot: o.modelRoot ?? d.modelRoot, firstSample: d.shard?.start, inputKeys: wholeInputKeys(d.inputKeys, d.shard?.port) },
      new AbortController().signal,
      () => progress.nodeStarted(label),
    );
    checkArtifact(artifact, plugin);
    await o.cache.put(d.outputKey, artifact, { ...d.producer, backend: o.backend });
    return { worker: WORKER_NAME, backend: o.backend, leaked };
  } catch (e) {
    throw new Error(`${(e as Error)?.message ?? String(e)} (on worker ${WORKER_NAME})`);
  } finally {
    unwatch();
  }
}

/** The job's inputs from the shared cache; a shard gets its range of the split port. */
async function loadInputs(cache: ArtifactCache, d: QueueJobData): Promise<PluginInputs> {
  const read = async (key: string): Promise<Artifact> => {
    const artifact = (await cache.get(key)) ?? ((await cache.appears(key, VISIBLE_MS)) ? await cache.get(key) : undefined);
    if (!artifact) throw new RtlabError('input', `input ${key.slice(0, 12)} of ${d.nodeId} is not in the cache at ${cache.root}: is it the directory the coordinator uses?`);
    return artifact;
  };
  const inputs: PluginInputs = {};
  for (const [port, keys] of Object.entries(d.inputKeys)) inputs[port] = Array.isArray(keys) ? await Promise.all(keys.map(read)) : await read(keys);
  if (d.shard) inputs[d.shard.port] = sliceDataset(inputs[d.shard.port] as Artifact, d.shard.start, d.shard.end);
  return inputs;
}

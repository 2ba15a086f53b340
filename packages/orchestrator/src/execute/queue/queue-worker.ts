import * as fs from 'node:fs';
import * as os from 'node:os';
import { Job, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import { Artifact, PluginInputs, RtlabError, sliceDataset } from '@rtlab/sdk';
import { ArtifactCache } from '../../cache/artifact-cache';
import { FileHashes } from '../../cache/file-hashes';
import { PluginRegistry } from '../../plugins/plugin-registry';
import { ProgressReporter } from '../../progress/progress-reporter';
import { Executor } from '../executor';
import { storeResult } from '../store-result';
import { wholeInputKeys } from '../plugin-job';
import { checkRedis, QUEUE_NAME, redisOptions } from './redis-connection';
import { JobProgress } from './job-progress';
import { QueueJobData, QueueJobResult } from './queue-job';
import { VISIBLE_MS } from './run-on-queue';
import { checkInputs, checkJobShape } from './job-shape';
import { verifyJob } from './verify-job';
import { WorkerRoots } from './worker-roots';

export interface QueueWorkerOptions {
  url: string;
  cache: ArtifactCache;
  /**
   * Makes the executor that runs the plugins (worker threads, so that this thread stays free to renew
   * BullMQ's job locks), given the reporter that publishes its progress to the jobs.
   */
  executor: (reporter: ProgressReporter) => Executor;
  /** The plugins this worker runs, and their params schemas, which every job's params must pass. */
  plugins: PluginRegistry;
  backend: string;
  /** A job whose worker stops renewing its lock for this long goes back to the queue. */
  lockMs: number;
  reporter: ProgressReporter;
  /**
   * Called when this machine cannot run a job any worker with the right setup could (a plugin it lacks,
   * worker threads that keep crashing): the job has gone back to the queue, and this worker should stop.
   */
  unfit(why: string): void;
  /** Where this worker reads datasets and checkpoints: its own, whatever a job says (see verify-job.ts). */
  roots: WorkerRoots;
}

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
  const hashes = new FileHashes(o.cache.root);
  const worker = new Worker<QueueJobData, QueueJobResult>(
    QUEUE_NAME,
    (job, token) =>
      runJob(job, token, { ...o, hashes }, executor, progress, () => void worker.pause(true).catch(() => undefined)),
    {
      connection: redisOptions(o.url),
      concurrency: executor.size,
      lockDuration: o.lockMs,
      stalledInterval: Math.max(1000, Math.floor(o.lockMs / 2)),
      maxStalledCount: MAX_STALLS,
      autorun: false,
    },
  );
  worker.on('error', (e) => o.reporter.info(`warning: ${e.message}`));
  worker.on(
    'failed',
    (job, e) =>
      job &&
      o.reporter.nodeFinished(labelOf(job.data), 'failed', Date.now() - (job.processedOn ?? Date.now()), e.message),
  );
  worker.on('completed', (job) =>
    o.reporter.nodeFinished(labelOf(job.data), 'computed', Date.now() - (job.processedOn ?? Date.now())),
  );
  void worker.run();
  await worker.waitUntilReady();
  return { worker, executor };
}

/** The node, and its sample range for a shard: what this worker's lines and progress name (nothing a forged job could print). */
function labelOf(d: QueueJobData): string {
  try {
    checkJobShape(d);
  } catch {
    return '(a malformed job)';
  }
  return d.shard ? `${d.nodeId}[${d.shard.start}-${d.shard.end}]` : d.nodeId;
}

async function runJob(
  job: Job<QueueJobData>,
  token: string | undefined,
  o: QueueWorkerOptions & { hashes: FileHashes },
  executor: Executor,
  progress: JobProgress,
  stopFetching: () => void,
): Promise<QueueJobResult> {
  const d = job.data;
  refuseUnless(() => checkJobShape(d)); // before any field becomes a label, a path or a line
  const plugin = o.plugins.find(d.kind, d.plugin);
  // a forged job could name any plugin: failing it here, rather than stopping, keeps every worker running
  if (!plugin)
    throw new UnrecoverableError(
      `${d.nodeId} needs plugin ${d.kind}/${d.plugin}, which worker ${WORKER_NAME} does not have (list its module in that worker's rtlab.config.json "plugins", as the coordinator does, and rerun)`,
    );
  const { id, unwatch } = progress.watch(labelOf(d), job);
  const scratchDir = o.cache.scratchDir(d.outputKey);
  try {
    const verified = await refuseUnlessAsync(
      () => verifyJob(d, plugin, (p, params) => o.plugins.checkParams(p, params), o.roots, o.hashes),
      rootsHint(d, o.roots),
    );
    const inputs = await loadInputs(o.cache, d);
    refuseUnless(() => checkInputs(d, plugin, inputs));
    if (d.shard) inputs[d.shard.port] = sliceDataset(inputs[d.shard.port] as Artifact, d.shard.start, d.shard.end);
    const { artifact, leaked } = await executor.run(
      {
        kind: d.kind,
        plugin: d.plugin,
        params: verified.params,
        inputs,
        nodeId: id,
        key: d.key,
        dataRoot: o.roots.dataRoot,
        modelRoot: o.roots.modelRoot,
        firstSample: d.shard?.start,
        inputKeys: wholeInputKeys(d.inputKeys, d.shard?.port),
        scratchDir,
        partBytes: partBytesOf(d),
        inputNodes: plugin.namesInputs ? d.inputNodes : undefined,
      },
      new AbortController().signal,
      () => progress.nodeStarted(id),
    );
    // `replace` is never taken from a job: the first entry under a key stays (--force removes it at the coordinator)
    await storeResult(
      o.cache,
      d.outputKey,
      artifact,
      plugin,
      { ...verified.producer, backend: o.backend },
      { scratchDir },
    );
    return { worker: WORKER_NAME, backend: o.backend, leaked };
  } catch (e) {
    if (e instanceof UnrecoverableError) throw e;
    if (executor.broken) return await handBack(job, token, d, e, stopFetching, o.unfit);
    throw new Error(`${(e as Error)?.message ?? String(e)} (on worker ${WORKER_NAME})`);
  } finally {
    unwatch();
    await fs.promises.rm(scratchDir, { recursive: true, force: true });
  }
}

/**
 * This worker's threads keep crashing: it stops, and its job goes back to the queue for a fit worker,
 * once. A job that broke the threads of two workers is the likely cause: it fails instead of going round.
 */
async function handBack(
  job: Job<QueueJobData>,
  token: string | undefined,
  d: QueueJobData,
  e: unknown,
  stopFetching: () => void,
  unfit: (why: string) => void,
): Promise<never> {
  const why = `its worker threads keep crashing (last job: ${d.nodeId}: ${(e as Error)?.message ?? e})`;
  stopFetching(); // before the job is back in the queue, so that this worker does not take it again
  if (d.handedBack) {
    unfit(why);
    throw new UnrecoverableError(`${why}; it broke the threads of two workers (on worker ${WORKER_NAME})`);
  }
  await job.updateData({ ...d, handedBack: true });
  await job.moveToWait(token);
  unfit(why);
  throw new WaitingError();
}

/** A job this worker refuses fails at once, without retries: it is wrong for this worker, whichever tries it. */
function refuseUnless<T>(check: () => T, hint = ''): T {
  try {
    return check();
  } catch (e) {
    throw new UnrecoverableError(`${(e as Error).message} (on worker ${WORKER_NAME}${hint})`);
  }
}

async function refuseUnlessAsync<T>(check: () => Promise<T>, hint = ''): Promise<T> {
  return check().catch((e: unknown) => {
    throw new UnrecoverableError(`${(e as Error).message} (on worker ${WORKER_NAME}${hint})`);
  });
}

/**
 * The coordinator's --part-bytes, which changes no result, but at least 16 KiB: a job could otherwise turn a
 * dataset into a file per few bytes in the shared cache.
 */
const MIN_PART_BYTES = 1 << 14;
const partBytesOf = (d: QueueJobData) =>
  d.partBytes === undefined ? undefined : Math.max(d.partBytes, MIN_PART_BYTES);

/** Where the coordinator's roots differ from this worker's, they are named: often why a file differs. */
function rootsHint(d: QueueJobData, roots: WorkerRoots): string {
  const hints = [
    d.dataRoot !== roots.dataRoot ? `data root here ${roots.dataRoot}, the coordinator's ${d.dataRoot}` : '',
    d.modelRoot !== roots.modelRoot ? `model root here ${roots.modelRoot}, the coordinator's ${d.modelRoot}` : '',
  ].filter(Boolean);
  return hints.length ? `; ${hints.join('; ')}` : '';
}

/** The job's inputs from the shared cache (a shard's split port whole). */
async function loadInputs(cache: ArtifactCache, d: QueueJobData): Promise<PluginInputs> {
  const read = async (key: string): Promise<Artifact> => {
    const artifact =
      (await cache.get(key)) ?? ((await cache.appears(key, VISIBLE_MS)) ? await cache.get(key) : undefined);
    if (!artifact)
      throw new RtlabError(
        'input',
        `input ${key.slice(0, 12)} of ${d.nodeId} is not in the cache at ${cache.root}: is it the directory the coordinator uses?`,
      );
    return artifact;
  };
  const inputs: PluginInputs = {};
  for (const [port, keys] of Object.entries(d.inputKeys))
    inputs[port] = Array.isArray(keys) ? await Promise.all(keys.map(read)) : await read(keys);
  return inputs;
}

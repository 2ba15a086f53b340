import * as os from 'node:os';
import { BackendInfo, RtlabError } from '@rtlab/sdk';
import { describeBackend } from '@rtlab/backends';
import { ArtifactCache } from '../../cache/artifact-cache';
import { Executor } from '../../execute/executor';
import { InProcessExecutor } from '../../execute/in-process-executor';
import { LocalNodeRunner } from '../../execute/local-node-runner';
import { NodeRunner } from '../../execute/node-runner';
import { QueueCoordinator } from '../../execute/queue/queue-coordinator';
import { QueueNodeRunner } from '../../execute/queue/queue-node-runner';
import { redactPassword } from '../../execute/queue/redis-connection';
import { WorkerPool } from '../../execute/worker-pool/worker-pool';
import { RtlabConfig } from '../../config/rtlab-config';
import { PluginRegistry } from '../../plugins/plugin-registry';
import { ProgressReporter } from '../../progress/progress-reporter';
import { ResolvedPipeline } from '../../validate/resolved-pipeline';
import { positiveInteger } from '../positive-integer';

/** Nodes a coordinator keeps on the queue at once by default: the workers, not the coordinator, set the pace. */
const QUEUE_CONCURRENCY = 256;

export interface RunnerChoice {
  /** Worker threads (0: plugins run in this thread or on a queue). */
  workers: number;
  concurrency: number;
  /** Where nodes run, for the run's first line. */
  where: string;
  /** Starts the worker threads or connects to the queue. */
  open(): Promise<NodeRunner>;
  /** Stops what `open` started (nothing if it did not). */
  close(): Promise<void>;
}

export interface RunnerOptions {
  queue?: string;
  workers?: string;
  concurrency?: string;
  shards?: string;
  partBytes?: string;
}

/** wasm and cpu run one thread each, so a worker per core; tfjs-node(-gpu) threads natively; webgpu has one device. */
function defaultWorkers(backend: BackendInfo): number {
  return backend.name === 'wasm' || backend.name === 'cpu' ? os.availableParallelism() : 0;
}

/**
 * Where a run's nodes are computed: on a Redis queue's workers (`--queue`), on worker threads (`--workers`,
 * by default one per core on wasm and cpu), or in this thread; with `--shards`, split nodes run at once.
 */
export function chooseRunner(
  opts: RunnerOptions,
  config: RtlabConfig,
  backend: BackendInfo,
  registry: PluginRegistry,
  pipeline: ResolvedPipeline,
  cache: ArtifactCache,
  reporter: ProgressReporter,
): RunnerChoice {
  const shards = positiveInteger('--shards', opts.shards ?? 1, 1);
  const partBytes = opts.partBytes === undefined ? undefined : positiveInteger('--part-bytes', opts.partBytes, 1);
  const common = {
    cache,
    reporter,
    backend: backend.name,
    dataRoot: config.dataRoot,
    modelRoot: config.modelRoot,
    partBytes,
    shards,
  };
  if (opts.queue) {
    const url = opts.queue;
    const concurrency = positiveInteger('--concurrency', opts.concurrency ?? QUEUE_CONCURRENCY, 1);
    const outputs = new Map(pipeline.nodes.map((n) => [n.id, n.plugin.output]));
    let queue: QueueCoordinator | undefined;
    return {
      workers: 0,
      concurrency,
      where: `nodes run on the workers of ${redactPassword(url)}, cache ${cache.root}`,
      open: async () =>
        new QueueNodeRunner({
          ...common,
          queue: (queue = await QueueCoordinator.connect(url, reporter)),
          outputTypeOf: (id) => outputs.get(id)!,
        }),
      close: async () => queue?.close(),
    };
  }
  const workers = positiveInteger('--workers', opts.workers ?? config.workers ?? defaultWorkers(backend), 0);
  if (workers && backend.name === 'webgpu') {
    throw new RtlabError(
      'usage',
      `--workers ${workers}: worker threads each start their own backend, and webgpu has one device per process; leave --workers out`,
    );
  }
  const concurrency = positiveInteger('--concurrency', opts.concurrency ?? Math.max(config.concurrency, workers), 1);
  let executor: Executor | undefined;
  return {
    workers,
    concurrency,
    where: `${describeBackend(backend)}${workers ? ` on each of ${workers} worker threads` : ''}`,
    open: async () => {
      executor = workers
        ? new WorkerPool({ backend: backend.name, pluginModules: config.plugins }, workers, reporter)
        : new InProcessExecutor(registry, backend, reporter);
      return new LocalNodeRunner({ ...common, executor });
    },
    close: async () => executor?.close(),
  };
}

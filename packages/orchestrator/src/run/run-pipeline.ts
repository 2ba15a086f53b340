import * as fs from 'node:fs';
import { defer, lastValueFrom, Observable, toArray } from 'rxjs';
import {
  Artifact,
  DATASET_IMAGES,
  datasetView,
  isAbortError,
  PluginInputs,
  RtlabError,
  sliceDataset,
} from '@rtlab/sdk';
import { Producer } from '../cache/cache-entry';
import { checkArtifact } from '../artifacts/check-artifact';
import { ArtifactCache } from '../cache/artifact-cache';
import { CacheKey } from '../cache/cache-key';
import { FileHashes } from '../cache/file-hashes';
import { nodeKeys } from '../cache/node-keys';
import { childrenOf } from '../dag/dag';
import { dagOf, parentsOf } from '../dag/pipeline-dag';
import { Executor } from '../execute/executor';
import { ContextServices } from '../execute/node-context';
import { InProcessExecutor } from '../execute/in-process-executor';
import { JobResult, PluginJob, wholeInputKeys } from '../execute/plugin-job';
import { shardRanges } from '../execute/shard-ranges';
import { QueueCoordinator } from '../execute/queue/queue-coordinator';
import { NodeJob, OnQueue, runOnQueue } from '../execute/queue/run-on-queue';
import { NodeOutcome, scheduleDag } from '../scheduler/schedule-dag';
import { didYouMean } from '../validate/nearest-name';
import { ResolvedNode, ResolvedPipeline } from '../validate/resolved-pipeline';
import { NodeRecord, RunRecord } from './run-record';

export interface RunOptions extends ContextServices {
  cache: ArtifactCache;
  concurrency: number;
  /** Node ids recomputed even when cached. */
  force?: string[];
  signal?: AbortSignal;
  record?: RunRecord;
  /** Where plugins run (default: in this thread). */
  executor?: Executor;
  /** The nodes' keys, when the caller computed them already (e.g. for --explain). */
  keys?: Map<string, CacheKey>;
  /** At most this many shards per shardable node (`Plugin.shards`), run at once on the executor; default 1. */
  shards?: number;
  /** Run every computed node on this BullMQ queue's workers instead of the executor. */
  queue?: QueueCoordinator;
}

export interface NodeResult {
  id: string;
  key: string;
  status: NodeRecord['status'];
  durationMs: number;
  error?: unknown;
  /** The worker processes (host:pid) that computed it, for nodes run on a queue. */
  workers?: string[];
  /** Bytes of inputs copied to worker threads to compute it. */
  copiedBytes?: number;
}

export interface RunSummary {
  results: NodeResult[];
  /** Artifacts of the sink nodes (those nothing consumes), e.g. tables to print, in pipeline order. */
  outputs: Map<string, Artifact>;
  failed: NodeResult[];
  aborted: boolean;
}

/**
 * Runs a validated pipeline: each node is looked up in the cache by key, else computed and stored.
 * A cached node is read (and verified) only if a consumer must run or it is a sink; a failed node
 * skips its descendants while independent branches finish and stay cached.
 */
export async function runPipeline(pipeline: ResolvedPipeline, opts: RunOptions): Promise<RunSummary> {
  const run = new PipelineRun(pipeline, opts);
  const stale = await opts.cache.removeStaleTemporaries();
  if (stale) opts.reporter.info(`removed ${stale} unfinished cache write(s) left by an interrupted run`);
  return run.summarise(await lastValueFrom(run.outcomes$().pipe(toArray())));
}

/** One run of a pipeline. `outcomes$()` emits per node; unsubscribing aborts the nodes in flight. */
export class PipelineRun {
  private readonly keys: Map<string, CacheKey>;
  private readonly children: Map<string, string[]>;
  private readonly byId: Map<string, ResolvedNode>;
  private readonly cached: Set<string>;
  private readonly memo = new Map<string, Artifact>();
  /** Reads (or recomputations) of inputs in flight, so two consumers share one. */
  private readonly loading = new Map<string, Promise<Artifact>>();
  private readonly pendingConsumers = new Map<string, number>();
  private readonly results = new Map<string, NodeResult>();
  private readonly signal: AbortSignal;
  private readonly executor: Executor;
  /** When a node's plugin started: its recorded duration excludes the wait for a device. */
  private readonly computeStarted = new Map<string, number>();
  /** Bytes of inputs copied to worker threads per node (inputs a worker held already are not copied). */
  private readonly copiedBytes = new Map<string, number>();
  /** Nodes run on a queue: their workers, and whether another coordinator had pushed the jobs this run waited for. */
  private readonly remote = new Map<string, OnQueue>();

  constructor(
    private readonly pipeline: ResolvedPipeline,
    private readonly opts: RunOptions,
  ) {
    this.keys =
      opts.keys ??
      nodeKeys(pipeline, { dataRoot: opts.dataRoot, modelRoot: opts.modelRoot }, new FileHashes(opts.cache.root));
    this.children = childrenOf(dagOf(pipeline));
    this.byId = new Map(pipeline.nodes.map((n) => [n.id, n]));
    this.signal = opts.signal ?? new AbortController().signal;
    this.executor =
      opts.executor ??
      new InProcessExecutor(
        { find: (kind, name) => pipeline.nodes.find((n) => n.kind === kind && n.plugin.name === name)?.plugin },
        opts.backend,
        opts.reporter,
      );
    const forced = new Set(opts.force ?? []);
    for (const f of forced) {
      if (!this.byId.has(f))
        throw new RtlabError(
          'usage',
          `--force ${f}: no such node in ${pipeline.file}${didYouMean(f, this.byId.keys())}`,
        );
    }
    this.cached = new Set(
      pipeline.nodes.filter((n) => !forced.has(n.id) && opts.cache.has(this.key(n.id))).map((n) => n.id),
    );
    for (const n of pipeline.nodes) this.pendingConsumers.set(n.id, this.children.get(n.id)!.length);
  }

  private subscribed = false;

  /** The run itself, once: a PipelineRun holds the state of one execution and cannot be replayed. */
  outcomes$(): Observable<NodeOutcome> {
    return defer(() => {
      if (this.subscribed) throw new RtlabError('usage', 'a PipelineRun runs once; create another to run again');
      this.subscribed = true;
      return scheduleDag(dagOf(this.pipeline), (id) => this.execute(id), this.opts.concurrency);
    });
  }

  /** --force named it: its result replaces the cached one. */
  private forced(node: ResolvedNode): boolean {
    return this.opts.force?.includes(node.id) ?? false;
  }

  private key(id: string): string {
    return this.keys.get(id)!.key;
  }

  /**
   * A cached artifact must be read only if it is a sink or one of its consumers will run here (on a
   * queue, consumers read their inputs on the workers).
   */
  private needed(id: string): boolean {
    const children = this.children.get(id)!;
    return children.length === 0 || (!this.opts.queue && children.some((c) => !this.cached.has(c)));
  }

  /** One node as an observable: the run's signal or an unsubscription aborts it. */
  private execute(id: string): Observable<NodeResult> {
    return new Observable<NodeResult>((subscriber) => {
      const started = Date.now();
      const unsubscribed = new AbortController();
      let settled = false;
      this.runNode(this.byId.get(id)!, AbortSignal.any([this.signal, unsubscribed.signal])).then(
        (status) => {
          settled = true;
          this.finish(id, status, started);
          subscriber.next(this.results.get(id)!);
          subscriber.complete();
        },
        (error) => {
          settled = true;
          if (subscriber.closed) return;
          this.finish(id, 'failed', started, error);
          subscriber.error(error);
        },
      );
      return () => {
        if (!settled) unsubscribed.abort(new RtlabError('aborted', 'unsubscribed'));
      };
    });
  }

  private async runNode(node: ResolvedNode, signal: AbortSignal): Promise<'hit' | 'computed' | 'joined'> {
    signal.throwIfAborted();
    if (this.cached.has(node.id)) {
      if (!this.needed(node.id)) return 'hit';
      const artifact = await this.opts.cache.get(this.key(node.id));
      if (artifact) {
        this.memo.set(node.id, artifact);
        return 'hit';
      }
    }
    const artifact = await this.compute(node, signal, () => this.started(node));
    if (artifact) this.memo.set(node.id, artifact);
    return this.remote.get(node.id)?.joined ? 'joined' : 'computed';
  }

  /** Computes the node here (or on the executor's workers) or on the queue; the artifact when this run needs it. */
  private compute(node: ResolvedNode, signal: AbortSignal, started: () => void): Promise<Artifact | undefined> {
    return this.opts.queue
      ? this.computeOnQueue(this.opts.queue, node, signal, started)
      : this.computeHere(node, signal, started);
  }

  /** Runs the node's plugin on its inputs and stores the result under its key. */
  private async computeHere(node: ResolvedNode, signal: AbortSignal, started: () => void): Promise<Artifact> {
    const key = this.key(node.id);
    const scratchDir = this.opts.cache.scratchDir(key);
    const job: PluginJob = {
      kind: node.kind,
      plugin: node.plugin.name,
      params: node.params as PluginJob['params'],
      inputs: await this.inputsOf(node, signal),
      nodeId: node.id,
      key,
      dataRoot: this.opts.dataRoot,
      modelRoot: this.opts.modelRoot,
      inputKeys: this.inputKeysOf(node),
      inputNodes: node.inputs,
      scratchDir,
      partBytes: this.opts.partBytes,
    };
    try {
      const { artifact, leaked, copiedBytes } = await this.runJob(node, job, signal, started);
      if (copiedBytes !== undefined) this.copiedBytes.set(node.id, copiedBytes);
      if (leaked > 0)
        this.opts.reporter.info(`warning: ${node.id} (${node.kind}/${node.plugin.name}) leaked ${leaked} tensors`);
      checkArtifact(artifact, node.plugin);
      signal.throwIfAborted();
      await this.opts.cache.put(
        key,
        artifact,
        { ...this.producer(node), backend: this.opts.backend.name },
        { signal, scratchDir, replace: this.forced(node) },
      );
      if (!artifact.files) return artifact;
      // the files it named are in the cache entry now, not in the scratch folder
      const stored = await this.opts.cache.get(key);
      if (!stored)
        throw new RtlabError(
          'cache',
          `${node.id}: its entry vanished from the cache at ${this.opts.cache.root} as soon as it was written; is another process clearing the cache?`,
        );
      return stored;
    } finally {
      await fs.promises.rm(scratchDir, { recursive: true, force: true });
    }
  }

  private inputKeysOf(node: ResolvedNode): Record<string, string | string[]> {
    return Object.fromEntries(
      Object.entries(node.inputs).map(([port, ref]) => [
        port,
        Array.isArray(ref) ? ref.map((r) => this.key(r)) : this.key(ref),
      ]),
    );
  }

  private producer(node: ResolvedNode): Producer {
    return {
      node: node.id,
      plugin: `${node.kind}/${node.plugin.name}`,
      version: node.plugin.version,
      canonical: this.keys.get(node.id)!.canonical,
    };
  }

  /**
   * Pushes the node, or its shards, to the queue and waits until workers have written them to the
   * cache; shards are merged here. Returns the artifact only for a sink (consumers read the cache).
   */
  private async computeOnQueue(
    queue: QueueCoordinator,
    node: ResolvedNode,
    signal: AbortSignal,
    started: () => void,
  ): Promise<Artifact | undefined> {
    const key = this.key(node.id);
    const job: NodeJob = {
      kind: node.kind,
      plugin: node.plugin.name,
      params: node.params as NodeJob['params'],
      seed: this.pipeline.seed,
      nodeId: node.id,
      key,
      inputKeys: this.inputKeysOf(node),
      inputNodes: node.inputs,
      dataRoot: this.opts.dataRoot,
      modelRoot: this.opts.modelRoot,
      ...(this.opts.partBytes ? { partBytes: this.opts.partBytes } : {}),
      producer: this.producer(node),
    };
    const force = this.forced(node);
    const done = await runOnQueue(queue, this.opts.cache, this.opts.reporter, job, await this.queueShards(node), {
      signal,
      started,
      force,
    });
    this.remote.set(node.id, done);
    if (done.leaked > 0)
      this.opts.reporter.info(
        `warning: ${node.id} (${node.kind}/${node.plugin.name}) leaked ${done.leaked} tensors on ${done.workers.join(', ')}`,
      );
    const sink = this.children.get(node.id)!.length === 0;
    // another coordinator may have merged the same shards already: the first entry stays
    if (done.outputKeys.length > 1 && (force || !this.opts.cache.has(key)))
      return this.mergeShards(node, done.outputKeys, signal);
    return sink ? this.opts.cache.get(key) : undefined;
  }

  /**
   * How a shardable node splits on the queue. The split port's Dataset is not loaded: its sample count
   * comes from the header of its cached tensors (the workers read and verify the data).
   */
  private async queueShards(node: ResolvedNode): Promise<{ port: string; ranges: [number, number][] } | undefined> {
    const sharding = node.plugin.shards;
    const ref = sharding && node.inputs[sharding.port];
    if (
      !sharding ||
      (this.opts.shards ?? 1) < 2 ||
      typeof ref !== 'string' ||
      this.byId.get(ref)!.plugin.output !== 'Dataset'
    )
      return undefined;
    const images = (await this.opts.cache.tensorShapes(this.key(ref)))?.[DATASET_IMAGES];
    if (!images)
      throw new RtlabError(
        'cache',
        `input "${ref}" of ${node.id} is not in the cache at ${this.opts.cache.root}; rerun to compute it again`,
      );
    return { port: sharding.port, ranges: shardRanges(images[0], this.opts.shards!, sharding.unit(node.params)) };
  }

  private async mergeShards(node: ResolvedNode, keys: string[], signal: AbortSignal): Promise<Artifact> {
    const parts = await Promise.all(keys.map((k) => this.opts.cache.get(k)));
    if (parts.some((p) => !p))
      throw new RtlabError(
        'cache',
        `a shard of ${node.id} vanished from the cache at ${this.opts.cache.root} before it was merged`,
      );
    const artifact = node.plugin.shards!.merge(parts as Artifact[]);
    checkArtifact(artifact, node.plugin);
    await this.opts.cache.put(
      this.key(node.id),
      artifact,
      { ...this.producer(node), backend: this.opts.backend.name },
      { signal, replace: this.forced(node) },
    );
    return artifact;
  }

  /**
   * One job, or, for a shardable plugin given more than one shard, one job per range of the split port's
   * Dataset (at `unit` boundaries), run at once and merged in order.
   */
  private async runJob(
    node: ResolvedNode,
    job: PluginJob,
    signal: AbortSignal,
    started: () => void,
  ): Promise<JobResult> {
    const sharding = node.plugin.shards;
    const data = sharding && job.inputs[sharding.port];
    const ranges =
      sharding && data && !Array.isArray(data) && data.type === 'Dataset'
        ? shardRanges(datasetView(data).count, this.opts.shards ?? 1, sharding.unit(node.params))
        : [];
    if (ranges.length < 2) return this.executor.run(job, signal, started);
    this.opts.reporter.info(
      `  [${node.id}] ${ranges.length} shards: ${ranges.map(([s, e]) => `${s}-${e}`).join(', ')}`,
    );
    let first = true;
    const failed = new AbortController();
    const shardSignal = AbortSignal.any([signal, failed.signal]);
    const parts = await Promise.all(
      ranges.map(([start, end]) =>
        this.executor
          .run(
            {
              ...job,
              inputs: { ...job.inputs, [sharding!.port]: sliceDataset(data as Artifact, start, end) },
              inputKeys: wholeInputKeys(job.inputKeys, sharding!.port),
              firstSample: start,
            },
            shardSignal,
            () => (first ? ((first = false), started()) : undefined),
          )
          .catch((e) => {
            failed.abort(e); // one failed shard fails the node: its siblings stop
            throw e;
          }),
      ),
    );
    return {
      artifact: sharding!.merge(parts.map((p) => p.artifact)),
      leaked: parts.reduce((n, p) => n + p.leaked, 0),
      copiedBytes: parts.reduce((n, p) => n + (p.copiedBytes ?? 0), 0),
    };
  }

  private started(node: ResolvedNode): void {
    this.computeStarted.set(node.id, Date.now());
    this.opts.reporter.nodeStarted(node.id);
  }

  /**
   * An input's artifact: kept from this run, or read from the cache. One that was damaged or removed
   * since the run began (another process, a full disk) is computed again here, once.
   */
  private load(id: string, signal: AbortSignal): Promise<Artifact> {
    const kept = this.memo.get(id);
    if (kept) return Promise.resolve(kept);
    let loading = this.loading.get(id);
    if (!loading) {
      loading = this.opts.cache.get(this.key(id)).then(async (artifact) => {
        if (artifact) return artifact;
        this.opts.reporter.info(`input "${id}" is no longer in the cache; computing it again`);
        return this.computeHere(this.byId.get(id)!, signal, () => undefined);
      });
      this.loading.set(id, loading);
      void loading.finally(() => this.loading.delete(id)).catch(() => undefined);
    }
    return loading;
  }

  private async inputsOf(node: ResolvedNode, signal: AbortSignal): Promise<PluginInputs> {
    const inputs: PluginInputs = {};
    for (const [port, ref] of Object.entries(node.inputs)) {
      inputs[port] = Array.isArray(ref)
        ? await Promise.all(ref.map((r) => this.load(r, signal)))
        : await this.load(ref, signal);
    }
    return inputs;
  }

  private finish(id: string, status: NodeResult['status'], started: number, error?: unknown): void {
    const durationMs = Date.now() - (this.computeStarted.get(id) ?? started);
    const workers = this.remote.get(id)?.workers;
    const copiedBytes = this.copiedBytes.get(id);
    this.settle(
      {
        id,
        key: this.key(id),
        status,
        durationMs,
        error,
        ...(workers ? { workers } : {}),
        ...(copiedBytes !== undefined ? { copiedBytes } : {}),
      },
      error ? describeError(error) : workers ? `on ${workers.join(', ')}` : undefined,
    );
    for (const p of parentsOf(this.byId.get(id)!)) {
      const left = this.pendingConsumers.get(p)! - 1;
      this.pendingConsumers.set(p, left);
      if (left === 0) this.memo.delete(p);
    }
  }

  /** Keeps a node's result, reports it, and writes its line of the run record. */
  private settle(result: NodeResult, note?: string): void {
    this.results.set(result.id, result);
    this.opts.reporter.nodeFinished(result.id, result.status, result.durationMs, note);
    const node = this.byId.get(result.id)!;
    this.opts.record?.append({
      type: 'node',
      node: result.id,
      key: result.key,
      plugin: `${node.kind}/${node.plugin.name}`,
      status: result.status,
      durationMs: result.durationMs,
      backend: this.remote.get(result.id)?.backend ?? this.opts.backend.name,
      ...(result.workers ? { workers: result.workers } : {}),
      ...(result.copiedBytes !== undefined ? { copiedBytes: result.copiedBytes } : {}),
      ...(result.error ? { error: describeError(result.error) } : {}),
    });
  }

  summarise(outcomes: NodeOutcome[]): RunSummary {
    for (const o of outcomes) {
      if (o.status === 'skipped')
        this.settle(
          { id: o.id, key: this.key(o.id), status: 'skipped', durationMs: 0 },
          `"${o.failedAncestor}" failed`,
        );
    }
    const results = this.pipeline.nodes.map((n) => this.results.get(n.id)!);
    const failed = results.filter((r) => r.status === 'failed');
    const outputs = new Map(
      this.pipeline.nodes
        .filter((n) => this.children.get(n.id)!.length === 0 && this.memo.has(n.id))
        .map((n) => [n.id, this.memo.get(n.id)!]),
    );
    return { results, outputs, failed, aborted: this.signal.aborted || failed.some((f) => isAbortError(f.error)) };
  }
}

export function describeError(e: unknown): string {
  if (isAbortError(e)) return 'aborted';
  return e instanceof Error ? e.message : String(e);
}

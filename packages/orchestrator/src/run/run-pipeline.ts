import * as tf from '@tensorflow/tfjs-core';
import { lastValueFrom, Observable, toArray } from 'rxjs';
import { Artifact } from '../artifacts/artifact';
import { checkArtifact } from '../artifacts/check-artifact';
import { ArtifactCache } from '../cache/artifact-cache';
import { CacheKey } from '../cache/cache-key';
import { RtlabError, isAbortError } from '../errors/rtlab-error';
import { childrenOf } from '../graph/subgraph';
import { PluginInputs } from '../plugins/plugin';
import { RunJob } from './workers/worker-messages';

type RunJobParams = RunJob['params'];
import { DeviceLock } from '../scheduler/device-lock';
import { NodeOutcome, scheduleDag } from '../scheduler/schedule-dag';
import { didYouMean } from '../validate/nearest-name';
import { parentsOf, ResolvedNode, ResolvedPipeline } from '../validate/resolved-pipeline';
import { ContextServices, nodeContext } from './node-context';
import { nodeKeys } from './node-keys';
import { NodeRecord, RunRecord } from './run-record';
import { explainWasmFailure } from './wasm-failure';
import { WorkerPool } from './workers/worker-pool';

export interface RunOptions extends ContextServices {
  cache: ArtifactCache;
  concurrency: number;
  /** Node ids recomputed even when cached. */
  force?: string[];
  signal?: AbortSignal;
  record?: RunRecord;
  /** Run plugins on these worker threads instead of in this thread. */
  pool?: WorkerPool;
}

export interface NodeResult {
  id: string;
  key: string;
  status: NodeRecord['status'];
  durationMs: number;
  error?: unknown;
}

export interface RunSummary {
  results: NodeResult[];
  /** Artifacts of the sink nodes (those nothing consumes), e.g. tables to print. */
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
  const outcomes = await lastValueFrom(
    scheduleDag(new Map(pipeline.nodes.map((n) => [n.id, parentsOf(n)])), (id) => run.execute(id), opts.concurrency).pipe(toArray()),
  );
  return run.summarise(outcomes);
}

class PipelineRun {
  private readonly keys: Map<string, CacheKey>;
  private readonly children: Map<string, string[]>;
  private readonly byId: Map<string, ResolvedNode>;
  private readonly cached: Set<string>;
  private readonly memo = new Map<string, Artifact>();
  private readonly pendingConsumers = new Map<string, number>();
  private readonly results = new Map<string, NodeResult>();
  private readonly signal: AbortSignal;
  private readonly device = new DeviceLock();
  /** When a node got the device: its recorded duration excludes the wait for it. */
  private readonly computeStarted = new Map<string, number>();

  constructor(private readonly pipeline: ResolvedPipeline, private readonly opts: RunOptions) {
    this.keys = nodeKeys(pipeline, { dataRoot: this.opts.dataRoot, modelRoot: this.opts.modelRoot });
    this.children = childrenOf(pipeline);
    this.byId = new Map(pipeline.nodes.map((n) => [n.id, n]));
    this.signal = opts.signal ?? new AbortController().signal;
    const forced = new Set(opts.force ?? []);
    for (const f of forced) {
      if (!this.byId.has(f)) throw new RtlabError('usage', `--force ${f}: no such node in ${pipeline.file}${didYouMean(f, this.byId.keys())}`);
    }
    this.cached = new Set(pipeline.nodes.filter((n) => !forced.has(n.id) && opts.cache.has(this.key(n.id))).map((n) => n.id));
    for (const n of pipeline.nodes) this.pendingConsumers.set(n.id, this.children.get(n.id)!.length);
  }

  private key(id: string): string {
    return this.keys.get(id)!.key;
  }

  /** A cached artifact must be read only if it is a sink or one of its consumers will run. */
  private needed(id: string): boolean {
    const children = this.children.get(id)!;
    return children.length === 0 || children.some((c) => !this.cached.has(c));
  }

  execute(id: string): Observable<NodeResult> {
    return new Observable<NodeResult>((subscriber) => {
      const started = Date.now();
      this.runNode(this.byId.get(id)!).then(
        (status) => {
          this.finish(id, status, started);
          subscriber.next(this.results.get(id)!);
          subscriber.complete();
        },
        (error) => {
          this.finish(id, 'failed', started, error);
          subscriber.error(error);
        },
      );
    });
  }

  private async runNode(node: ResolvedNode): Promise<'hit' | 'computed'> {
    this.signal.throwIfAborted();
    const key = this.key(node.id);
    if (this.cached.has(node.id)) {
      if (!this.needed(node.id)) return 'hit';
      const artifact = await this.opts.cache.get(key);
      if (artifact) {
        this.memo.set(node.id, artifact);
        return 'hit';
      }
    }
    const inputs = await this.inputsOf(node);
    const artifact = this.opts.pool ? await this.runOnWorker(node, key, inputs) : await this.device.run(() => this.runHere(node, key, inputs));
    checkArtifact(artifact, node.plugin);
    this.signal.throwIfAborted();
    const c = this.keys.get(node.id)!;
    await this.opts.cache.put(key, artifact, { node: node.id, plugin: `${node.kind}/${node.plugin.name}`, version: node.plugin.version, canonical: c.canonical }, this.signal);
    this.memo.set(node.id, artifact);
    return 'computed';
  }

  private started(node: ResolvedNode): void {
    this.signal.throwIfAborted();
    this.computeStarted.set(node.id, Date.now());
    this.opts.reporter.nodeStarted(node.id);
  }

  private warnLeaks(node: ResolvedNode, leaked: number): void {
    if (leaked > 0) this.opts.reporter.info(`warning: ${node.id} (${node.kind}/${node.plugin.name}) leaked ${leaked} tensors`);
  }

  private async runHere(node: ResolvedNode, key: string, inputs: PluginInputs): Promise<Artifact> {
    this.started(node);
    const before = tf.memory().numTensors;
    const result = await node.plugin.run(inputs, node.params, nodeContext(node.id, key, this.signal, this.opts)).catch(explainWasmFailure);
    this.warnLeaks(node, tf.memory().numTensors - before);
    return result;
  }

  private async runOnWorker(node: ResolvedNode, key: string, inputs: PluginInputs): Promise<Artifact> {
    this.started(node);
    const job = { kind: node.kind, plugin: node.plugin.name, params: node.params as RunJobParams, inputs, nodeId: node.id, key, dataRoot: this.opts.dataRoot, modelRoot: this.opts.modelRoot };
    const { artifact, leaked } = await this.opts.pool!.run(job, this.signal);
    this.warnLeaks(node, leaked);
    return artifact;
  }

  private async load(id: string): Promise<Artifact> {
    const artifact = this.memo.get(id) ?? (await this.opts.cache.get(this.key(id)));
    if (!artifact) throw new RtlabError('cache', `input "${id}" vanished from the cache during the run; rerun with --force ${id}`);
    return artifact;
  }

  private async inputsOf(node: ResolvedNode): Promise<PluginInputs> {
    const inputs: PluginInputs = {};
    for (const [port, ref] of Object.entries(node.inputs)) {
      inputs[port] = Array.isArray(ref) ? await Promise.all(ref.map((r) => this.load(r))) : await this.load(ref);
    }
    return inputs;
  }

  private finish(id: string, status: NodeResult['status'], started: number, error?: unknown): void {
    const durationMs = Date.now() - (this.computeStarted.get(id) ?? started);
    const node = this.byId.get(id)!;
    const result: NodeResult = { id, key: this.key(id), status, durationMs, error };
    this.results.set(id, result);
    this.opts.reporter.nodeFinished(id, status, durationMs, error ? describeError(error) : undefined);
    this.opts.record?.append({
      type: 'node', node: id, key: result.key, plugin: `${node.kind}/${node.plugin.name}`, status, durationMs,
      backend: this.opts.backend.name, ...(error ? { error: describeError(error) } : {}),
    });
    for (const p of parentsOf(node)) {
      const left = this.pendingConsumers.get(p)! - 1;
      this.pendingConsumers.set(p, left);
      if (left === 0) this.memo.delete(p);
    }
  }

  summarise(outcomes: NodeOutcome[]): RunSummary {
    for (const o of outcomes) {
      if (o.status !== 'skipped') continue;
      const result: NodeResult = { id: o.id, key: this.key(o.id), status: 'skipped', durationMs: 0 };
      this.results.set(o.id, result);
      this.opts.reporter.nodeFinished(o.id, 'skipped', 0, `"${o.failedAncestor}" failed`);
      const node = this.byId.get(o.id)!;
      this.opts.record?.append({ type: 'node', node: o.id, key: result.key, plugin: `${node.kind}/${node.plugin.name}`, status: 'skipped', durationMs: 0, backend: this.opts.backend.name });
    }
    const results = this.pipeline.nodes.map((n) => this.results.get(n.id)!);
    const failed = results.filter((r) => r.status === 'failed');
    const outputs = new Map([...this.memo].filter(([id]) => this.children.get(id)!.length === 0));
    return { results, outputs, failed, aborted: this.signal.aborted || failed.some((f) => isAbortError(f.error)) };
  }
}

export function describeError(e: unknown): string {
  if (isAbortError(e)) return 'aborted';
  return e instanceof Error ? e.message : String(e);
}

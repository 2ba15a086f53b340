import { defer, lastValueFrom, Observable, toArray } from 'rxjs';
import { isAbortError, RtlabError } from '@rtlab/sdk';
import { ArtifactCache } from '../cache/artifact-cache';
import { CacheKey } from '../cache/cache-key';
import { FileHashes } from '../cache/file-hashes';
import { nodeKeys } from '../cache/node-keys';
import { childrenOf } from '../dag/dag';
import { dagOf } from '../dag/pipeline-dag';
import { LocalNodeRunner } from '../execute/local-node-runner';
import { ContextServices } from '../execute/node-context';
import { Computed, NodeRunner, NodeWork } from '../execute/node-runner';
import { abortableTask } from '../scheduler/abortable-task';
import { NodeOutcome, scheduleDag } from '../scheduler/schedule-dag';
import { didYouMean } from '../validate/nearest-name';
import { ResolvedNode, ResolvedPipeline } from '../validate/resolved-pipeline';
import { KeptArtifacts } from './kept-artifacts';
import { inputKeysOf, producerOf } from './node-work';
import { RunRecord } from './run-record';
import { NodeResult, RunResults, RunSummary } from './run-results';

export { describeError, NodeResult, RunSummary } from './run-results';

export interface RunOptions extends ContextServices {
  cache: ArtifactCache;
  concurrency: number;
  /** Node ids recomputed even when cached. */
  force?: string[];
  signal?: AbortSignal;
  record?: RunRecord;
  /** The nodes' keys, when the caller computed them already (e.g. for --explain). */
  keys?: Map<string, CacheKey>;
  /** How nodes are computed (default: here, in this thread, unsplit). */
  runner?: NodeRunner;
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

/**
 * One run of a pipeline: what is a hit, what must be read, what to compute (the runner decides how), the
 * artifacts kept for consumers, and the record. `outcomes$()` emits per node; unsubscribing aborts the
 * nodes in flight.
 */
export class PipelineRun {
  private readonly keys: Map<string, CacheKey>;
  private readonly children: Map<string, string[]>;
  private readonly byId: Map<string, ResolvedNode>;
  private readonly cached: Set<string>;
  private readonly forced: Set<string>;
  private readonly runner: NodeRunner;
  private readonly results: RunResults;
  private readonly kept: KeptArtifacts;
  private readonly signal: AbortSignal;
  /** When a node's plugin started (its recorded duration excludes the wait for a device), and what computing it gave. */
  private readonly computeStarted = new Map<string, number>();
  private readonly computed = new Map<string, Computed>();
  private subscribed = false;

  constructor(
    private readonly pipeline: ResolvedPipeline,
    private readonly opts: RunOptions,
  ) {
    const roots = { dataRoot: opts.dataRoot, modelRoot: opts.modelRoot };
    this.keys = opts.keys ?? nodeKeys(pipeline, roots, new FileHashes(opts.cache.root));
    this.children = childrenOf(dagOf(pipeline));
    this.byId = new Map(pipeline.nodes.map((n) => [n.id, n]));
    this.signal = opts.signal ?? new AbortController().signal;
    this.runner = opts.runner ?? LocalNodeRunner.inThisThread(pipeline, opts);
    this.results = new RunResults(opts.reporter, opts.backend.name, opts.record);
    this.forced = new Set(opts.force ?? []);
    for (const f of this.forced) {
      if (!this.byId.has(f))
        throw new RtlabError(
          'usage',
          `--force ${f}: no such node in ${pipeline.file}${didYouMean(f, this.byId.keys())}`,
        );
    }
    this.cached = new Set(
      pipeline.nodes.filter((n) => !this.forced.has(n.id) && opts.cache.has(this.key(n.id))).map((n) => n.id),
    );
    const recompute = async (id: string) =>
      (await this.compute(this.byId.get(id)!, this.signal, () => undefined)).artifact!;
    this.kept = new KeptArtifacts(opts.cache, (id) => this.key(id), this.children, recompute, opts.reporter);
  }

  /** The run itself, once: a PipelineRun holds the state of one execution and cannot be replayed. */
  outcomes$(): Observable<NodeOutcome> {
    return defer(() => {
      if (this.subscribed) throw new RtlabError('usage', 'a PipelineRun runs once; create another to run again');
      this.subscribed = true;
      return scheduleDag(dagOf(this.pipeline), (id) => this.execute(id), this.opts.concurrency);
    });
  }

  private key(id: string): string {
    return this.keys.get(id)!.key;
  }

  private isSink(id: string): boolean {
    return this.children.get(id)!.length === 0;
  }

  /** A cached artifact is read only if it is a sink or one of its consumers will run here (queue workers read their own). */
  private needed(id: string): boolean {
    return this.isSink(id) || (this.runner.loadsInputs && this.children.get(id)!.some((c) => !this.cached.has(c)));
  }

  /** One node as an observable: the run's signal or an unsubscription aborts it. */
  private execute(id: string): Observable<NodeResult> {
    const started = Date.now();
    return abortableTask((signal) => this.runNode(this.byId.get(id)!, signal), this.signal, {
      done: (status) => (this.finish(id, status, started), this.results.get(id)!),
      failed: (error) => this.finish(id, 'failed', started, error),
    });
  }

  private async runNode(node: ResolvedNode, signal: AbortSignal): Promise<'hit' | 'computed' | 'joined'> {
    signal.throwIfAborted();
    if (this.cached.has(node.id)) {
      if (!this.needed(node.id)) return 'hit';
      const artifact = await this.opts.cache.get(this.key(node.id));
      if (artifact) {
        this.kept.keep(node.id, artifact);
        return 'hit';
      }
    }
    const computed = await this.compute(node, signal, () => {
      this.computeStarted.set(node.id, Date.now());
      this.opts.reporter.nodeStarted(node.id);
    });
    if (computed.artifact) this.kept.keep(node.id, computed.artifact);
    return computed.joined ? 'joined' : 'computed';
  }

  private async compute(node: ResolvedNode, signal: AbortSignal, started: () => void): Promise<Computed> {
    const computed = await this.runner.run(this.workOf(node), signal, started);
    this.computed.set(node.id, computed);
    return computed;
  }

  private workOf(node: ResolvedNode): NodeWork {
    return {
      node,
      key: this.key(node.id),
      seed: this.pipeline.seed,
      inputKeys: inputKeysOf(node, (id) => this.key(id)),
      producer: producerOf(node, this.keys.get(node.id)!),
      inputs: () => this.kept.inputsOf(node),
      replace: this.forced.has(node.id),
      wanted: this.isSink(node.id) || this.runner.loadsInputs,
    };
  }

  private finish(id: string, status: NodeResult['status'], started: number, error?: unknown): void {
    const durationMs = Date.now() - (this.computeStarted.get(id) ?? started);
    this.results.finished(this.byId.get(id)!, this.key(id), status, durationMs, this.computed.get(id), error);
    this.kept.consumed(this.byId.get(id)!);
  }

  summarise(outcomes: NodeOutcome[]): RunSummary {
    for (const o of outcomes) {
      if (o.status === 'skipped') this.results.skipped(this.byId.get(o.id)!, this.key(o.id), o.failedAncestor);
    }
    const results = this.pipeline.nodes.map((n) => this.results.get(n.id)!);
    const failed = results.filter((r) => r.status === 'failed');
    const outputs = new Map(
      this.pipeline.nodes
        .filter((n) => this.isSink(n.id) && this.kept.get(n.id))
        .map((n) => [n.id, this.kept.get(n.id)!]),
    );
    return { results, outputs, failed, aborted: this.signal.aborted || failed.some((f) => isAbortError(f.error)) };
  }
}

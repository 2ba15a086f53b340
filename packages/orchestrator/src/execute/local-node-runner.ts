import * as fs from 'node:fs';
import { Artifact, RtlabError, sliceDataset } from '@rtlab/sdk';
import { ArtifactCache } from '../cache/artifact-cache';
import { ResolvedPipeline } from '../validate/resolved-pipeline';
import { Executor } from './executor';
import { InProcessExecutor } from './in-process-executor';
import { ContextServices } from './node-context';
import { Computed, NodeRunner, NodeWork, RunnerSetup, warnLeaks } from './node-runner';
import { JobResult, PluginJob, wholeInputKeys } from './plugin-job';
import { ShardPlan, shardsOfInputs } from './shard-plan';
import { storeResult } from './store-result';

export interface LocalRunnerOptions extends RunnerSetup {
  /** This thread, or worker threads. */
  executor: Executor;
}

/** Computes nodes on this machine: the plugin runs on the executor (this thread or worker threads), whole or in shards merged here. */
export class LocalNodeRunner implements NodeRunner {
  readonly loadsInputs = true;

  constructor(private readonly o: LocalRunnerOptions) {}

  /** Every node in this thread, unsplit, with the pipeline's own plugins: a run's default. */
  static inThisThread(pipeline: ResolvedPipeline, s: ContextServices & { cache: ArtifactCache }): LocalNodeRunner {
    const plugins = {
      find: (kind: string, name: string) =>
        pipeline.nodes.find((n) => n.kind === kind && n.plugin.name === name)?.plugin,
    };
    const executor = new InProcessExecutor(plugins, s.backend, s.reporter);
    return new LocalNodeRunner({ ...s, executor, backend: s.backend.name, shards: 1 });
  }

  async run(work: NodeWork, signal: AbortSignal, started: () => void): Promise<Computed> {
    const { cache } = this.o;
    const scratchDir = cache.scratchDir(work.key);
    const { node } = work;
    const job: PluginJob = {
      kind: node.kind,
      plugin: node.plugin.name,
      params: node.params as PluginJob['params'],
      inputs: await work.inputs(),
      nodeId: node.id,
      key: work.key,
      dataRoot: this.o.dataRoot,
      modelRoot: this.o.modelRoot,
      inputKeys: work.inputKeys,
      inputNodes: node.inputs,
      scratchDir,
      partBytes: this.o.partBytes,
    };
    try {
      const plan = shardsOfInputs(node.plugin, node.params, job.inputs, this.o.shards);
      const { artifact, leaked, copiedBytes } = plan
        ? await this.runShards(work, job, plan, signal, started)
        : await this.o.executor.run(job, signal, started);
      warnLeaks(this.o, work, leaked);
      await storeResult(
        cache,
        work.key,
        artifact,
        node.plugin,
        { ...work.producer, backend: this.o.backend },
        { signal, scratchDir, replace: work.replace },
      );
      return { artifact: artifact.files ? await this.stored(work) : artifact, leaked, copiedBytes };
    } finally {
      await fs.promises.rm(scratchDir, { recursive: true, force: true });
    }
  }

  /** One job per range of the split port's Dataset, run at once; one failed shard stops its siblings and fails the node. */
  private async runShards(
    work: NodeWork,
    job: PluginJob,
    plan: ShardPlan,
    signal: AbortSignal,
    started: () => void,
  ): Promise<JobResult> {
    this.o.reporter.info(
      `  [${work.node.id}] ${plan.ranges.length} shards: ${plan.ranges.map(([s, e]) => `${s}-${e}`).join(', ')}`,
    );
    const data = job.inputs[plan.port] as Artifact;
    let first = true;
    const failed = new AbortController();
    const shardSignal = AbortSignal.any([signal, failed.signal]);
    const parts = await Promise.all(
      plan.ranges.map(([start, end]) =>
        this.o.executor
          .run(
            {
              ...job,
              inputs: { ...job.inputs, [plan.port]: sliceDataset(data, start, end) },
              inputKeys: wholeInputKeys(job.inputKeys, plan.port),
              firstSample: start,
            },
            shardSignal,
            () => (first ? ((first = false), started()) : undefined),
          )
          .catch((e) => {
            failed.abort(e);
            throw e;
          }),
      ),
    );
    return {
      artifact: work.node.plugin.shards!.merge(parts.map((p) => p.artifact)),
      leaked: parts.reduce((n, p) => n + p.leaked, 0),
      copiedBytes: parts.reduce((n, p) => n + (p.copiedBytes ?? 0), 0),
    };
  }

  /** The entry as stored: the files the artifact named are in the entry now, not in the scratch folder. */
  private async stored(work: NodeWork): Promise<Artifact> {
    const stored = await this.o.cache.get(work.key);
    if (!stored)
      throw new RtlabError(
        'cache',
        `${work.node.id}: its entry vanished from the cache at ${this.o.cache.root} as soon as it was written; is another process clearing the cache?`,
      );
    return stored;
  }
}

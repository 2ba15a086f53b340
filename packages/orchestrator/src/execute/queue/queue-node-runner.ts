import { Artifact, RtlabError } from '@rtlab/sdk';
import { Computed, NodeRunner, NodeWork, RunnerSetup, warnLeaks } from '../node-runner';
import { shardsOfCached } from '../shard-plan';
import { storeResult } from '../store-result';
import { QueueCoordinator } from './queue-coordinator';
import { NodeJob, runOnQueue } from './run-on-queue';

export interface QueueRunnerOptions extends RunnerSetup {
  queue: QueueCoordinator;
  /** Ids of the pipeline's nodes -> their output type: a node splits only over a Dataset. */
  outputTypeOf(nodeId: string): string;
}

/**
 * Computes nodes on a Redis queue's workers: each node, or each of its shards, is a job whose id is its
 * output key; the workers read its inputs from the shared cache and write its output there. Shards are
 * merged here.
 */
export class QueueNodeRunner implements NodeRunner {
  readonly loadsInputs = false;

  constructor(private readonly o: QueueRunnerOptions) {}

  async run(work: NodeWork, signal: AbortSignal, started: () => void): Promise<Computed> {
    const { node } = work;
    const { cache } = this.o;
    const job: NodeJob = {
      kind: node.kind,
      plugin: node.plugin.name,
      params: node.params as NodeJob['params'],
      seed: work.seed,
      nodeId: node.id,
      key: work.key,
      inputKeys: work.inputKeys,
      inputNodes: node.inputs,
      dataRoot: this.o.dataRoot,
      modelRoot: this.o.modelRoot,
      ...(this.o.partBytes ? { partBytes: this.o.partBytes } : {}),
      producer: work.producer,
    };
    const port = node.plugin.shards?.port;
    const ref = port ? node.inputs[port] : undefined;
    const input =
      typeof ref === 'string'
        ? { id: ref, key: work.inputKeys[port!] as string, type: this.o.outputTypeOf(ref) }
        : undefined;
    const plan = await shardsOfCached(node, input, cache, this.o.shards);
    const done = await runOnQueue(this.o.queue, cache, this.o.reporter, job, plan, {
      signal,
      started,
      force: work.replace,
    });
    const computed = { leaked: done.leaked, workers: done.workers, backend: done.backend, joined: done.joined };
    warnLeaks(this.o, work, done.leaked, done.workers);
    // another coordinator may have merged the same shards already: the first entry stays
    if (done.outputKeys.length > 1 && (work.replace || !cache.has(work.key)))
      return { ...computed, artifact: await this.merge(work, done.outputKeys, signal) };
    return { ...computed, artifact: work.wanted ? await cache.get(work.key) : undefined };
  }

  private async merge(work: NodeWork, keys: string[], signal: AbortSignal): Promise<Artifact> {
    const parts = await Promise.all(keys.map((k) => this.o.cache.get(k)));
    if (parts.some((p) => !p))
      throw new RtlabError(
        'cache',
        `a shard of ${work.node.id} vanished from the cache at ${this.o.cache.root} before it was merged`,
      );
    const artifact = work.node.plugin.shards!.merge(parts as Artifact[]);
    await storeResult(
      this.o.cache,
      work.key,
      artifact,
      work.node.plugin,
      { ...work.producer, backend: this.o.backend },
      { signal, replace: work.replace },
    );
    return artifact;
  }
}

import { Artifact, PluginInputs } from '@rtlab/sdk';
import { ArtifactCache } from '../cache/artifact-cache';
import { ProgressReporter } from '../progress/progress-reporter';
import { Producer } from '../cache/cache-entry';
import { ResolvedNode } from '../validate/resolved-pipeline';

/** What every runner works with, wherever it computes. */
export interface RunnerSetup {
  cache: ArtifactCache;
  reporter: ProgressReporter;
  /** This process's backend, recorded with what it computes or merges. */
  backend: string;
  dataRoot: string;
  modelRoot: string;
  partBytes?: number;
  /** At most this many shards per shardable node (`Plugin.shards`), computed at once. */
  shards: number;
}

/** Says that a node's plugin left tensors allocated: before its result is stored, so even a result refused there is reported. */
export function warnLeaks(setup: RunnerSetup, work: NodeWork, leaked: number, workers?: string[]): void {
  if (leaked <= 0) return;
  const where = workers ? ` on ${workers.join(', ')}` : '';
  setup.reporter.info(
    `warning: ${work.node.id} (${work.node.kind}/${work.node.plugin.name}) leaked ${leaked} tensors${where}`,
  );
}

/** One node to compute, as the run describes it to whatever computes it. */
export interface NodeWork {
  node: ResolvedNode;
  key: string;
  /** The pipeline's seed (part of the node's description). */
  seed: number;
  /** port -> the cache key(s) of its input(s). */
  inputKeys: Record<string, string | string[]>;
  /** Reads (or recomputes) the node's inputs; only runners that compute here call it. */
  inputs(): Promise<PluginInputs>;
  producer: Producer;
  /** --force: the result replaces the cached entry. */
  replace: boolean;
  /** The run needs the artifact back (a sink, or consumers that run here). */
  wanted: boolean;
}

/** What computing a node gave, besides its entry in the cache. */
export interface Computed {
  /** The artifact as stored; absent where the run did not want it. */
  artifact?: Artifact;
  /** Tensors the plugin left allocated (warned about). */
  leaked: number;
  /** Bytes of inputs copied to worker threads. */
  copiedBytes?: number;
  /** The worker processes (host:pid) that computed it, on a queue, and their backend. */
  workers?: string[];
  backend?: string;
  /** Every job had been pushed by another coordinator: this run only waited. */
  joined?: boolean;
}

/**
 * Computes a node, whole or split into shards that are merged, and leaves its result in the cache under
 * its key: here or on worker threads (LocalNodeRunner), or on a Redis queue's workers (QueueNodeRunner).
 * The pipeline run decides what to compute; a runner decides only how.
 */
export interface NodeRunner {
  /** False where the computation reads its inputs itself (queue workers read the cache): the run then loads none. */
  readonly loadsInputs: boolean;
  run(work: NodeWork, signal: AbortSignal, started: () => void): Promise<Computed>;
}

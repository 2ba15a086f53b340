import { JsonValue } from '@rtlab/sdk';
import { Producer } from '../../cache/cache-entry';

/**
 * One node, or one shard of a node, as a BullMQ job. Inputs travel as cache keys, not bytes: every
 * machine mounts the same cache. Anyone who reaches Redis can write one, so a worker trusts none of it
 * until it has computed the key itself (verify-job.ts). The job's id is `outputKey`, so the same work pushed twice (by two
 * coordinators, or by a rerun after a crash) is one job.
 */
export interface QueueJobData {
  kind: string;
  plugin: string;
  params: { [key: string]: JsonValue };
  /** The pipeline's seed, part of the node's description. */
  seed: number;
  nodeId: string;
  /** The node's key (its seed derives from it); a shard's output has its own key. */
  key: string;
  outputKey: string;
  /** port -> the cache key(s) of its artifact(s). */
  inputKeys: Record<string, string | string[]>;
  /** port -> the id(s) of the node(s) feeding it, for the plugin's captions. */
  inputNodes?: Record<string, string | string[]>;
  /** A shard: the samples [start, end) of `port`'s Dataset. */
  shard?: { port: string; start: number; end: number };
  /** The coordinator's roots: a hint for a worker's messages only (a worker reads under its own roots). */
  dataRoot: string;
  modelRoot: string;
  /** The coordinator's `--part-bytes`, when given. */
  partBytes?: number;
  /** Who made it, with the canonical description its key hashes: a worker names the difference from its own when a key does not match. */
  producer: Producer;
  /** Set by a worker whose threads kept crashing on it and that put it back: a second such worker fails it. */
  handedBack?: boolean;
  /** Who pushed the job (host:pid:nonce): a coordinator that finds another's job joins it. */
  coordinator: string;
}

/** What a worker returns for a finished job (its artifact is in the cache under `outputKey`). */
export interface QueueJobResult {
  /** host:pid of the worker process that computed it. */
  worker: string;
  backend: string;
  leaked: number;
}

/** Progress a worker publishes for a running job. */
export interface QueueJobProgress {
  done: number;
  total: number;
  note?: string;
}

import { Artifact } from '../artifacts/artifact';
import { SeededRng } from '../rng/seeded-rng';
import { BackendInfo } from './backend-info';
import { DiskInput } from './disk-input';

/** One named input of a plugin: the artifact type it accepts, one artifact or a list (`many`). */
export interface PortSpec {
  type: string;
  description: string;
  many?: boolean;
  optional?: boolean;
}

/** A plugin's inputs by port: one artifact, or a list for a `many` port; undefined for an optional port left open. */
export type PluginInputs = Record<string, Artifact | Artifact[] | undefined>;

/**
 * How a per-sample plugin splits: the engine cuts the Dataset on `port` into contiguous ranges whose
 * sizes are multiples of `unit(params)` samples (say, the batch size, so every batch is the same as in
 * one run), runs one job per range (each sees its `firstSample`), and `merge`s the results in order. The
 * merged artifact must equal, byte for byte, what one unsplit run returns.
 */
export interface Sharding<P> {
  port: string;
  /** Shards hold multiples of this many samples (e.g. the batch size), so they batch as one run does. */
  unit(params: P): number;
  /** The shards' outputs joined in order: byte for byte what one unsplit run returns. */
  merge(parts: Artifact[]): Artifact;
}

/** What validation knows of the node feeding a port: its id, kind, plugin and params (defaults applied). */
export interface ProducerInfo {
  id: string;
  kind: string;
  plugin: string;
  params: Record<string, unknown>;
  /** The input ball it searches, for an attack that declares one (`Plugin.ball`). */
  ball?: AttackBall;
}

/** The set of inputs a per-sample attack searches: the `norm` ball of radius `eps` around each input. */
export interface AttackBall {
  /** The norm's name, as attacks record it in their results' meta (e.g. 'linf', 'l2', 'l1'). */
  norm: string;
  eps: number;
}

/** 1 GiB: see PluginContext.partBytes. */
export const DEFAULT_PART_BYTES = 2 ** 30;

/** Services a plugin receives for one node run. */
export interface PluginContext {
  nodeId: string;
  /** The node's cache key; also what its seed is derived from. */
  key: string;
  /** A 32-bit seed derived from the pipeline seed and the node's key: stable across reruns and schedules. */
  seed: number;
  rng: SeededRng;
  backend: BackendInfo;
  signal: AbortSignal;
  dataRoot: string;
  modelRoot: string;
  /**
   * The index, in the node's whole dataset, of the first sample this run sees: 0, unless the engine
   * split a shardable node (`Plugin.shards`). Seed per-sample randomness with sampleSeed(seed, firstSample + i).
   */
  firstSample: number;
  /** The ids of the nodes feeding each port (for captions and messages; they enter the cache key only of a plugin that `namesInputs`). */
  inputNodes: Record<string, string | string[]>;
  /**
   * A folder (created on first call) for the files of tensors the result keeps on disk
   * (`Artifact.files`, written with `FileTensorWriter`). It lies on the cache's file system: the engine
   * moves the files the result names into its cache entry and removes the folder after the run.
   */
  scratchDir(): string;
  /**
   * A tensor larger than this many bytes (a Dataset's images) is best kept in files of at most this size
   * rather than in memory. Storage only: where bytes live never changes them, so it enters no cache key.
   * `rtlab run --part-bytes`; DEFAULT_PART_BYTES otherwise.
   */
  partBytes: number;
  /** Drives the node's progress bar: `done` of `total`, with an optional note. */
  progress(done: number, total: number, note?: string): void;
  /** A line in the run's output, prefixed with the node id. */
  log(message: string): void;
}

/**
 * A plugin: a plain typed object (or class instance) resolved by kind and name.
 * @example
 * const double: Plugin<{ factor: number }> = {
 *   kind: 'score', name: 'double', version: '1.0.0', description: 'Multiplies a scalar',
 *   params: { type: 'object', properties: { factor: { type: 'number', default: 2, description: '...' } }, additionalProperties: false },
 *   inputs: { x: { type: 'Scores', description: 'input' } }, output: 'Scores',
 *   async run(inputs, params, ctx) { ... },
 * };
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface Plugin<P = any> {
  kind: string;
  name: string;
  /** Semantic version; part of every cache key, so bump it when outputs change. */
  version: string;
  description: string;
  /** JSON Schema of `params` (additionalProperties: false, every property described, defaults). */
  params: Record<string, unknown>;
  inputs: Record<string, PortSpec>;
  output: string;
  /** Files or folders the node reads (relative to the data or model root): their fingerprints enter its cache key. */
  reads?(params: P): DiskInput[];
  /** For an attack: the ball it searches with these params, so that a bound can check two attacks share one. */
  ball?(params: P): AttackBall;
  /**
   * Checks, before anything runs, that the producers wired to the ports fit together (e.g. a bound's
   * loss and AS attacks share eps and norm). Returns one message per problem; none when they fit.
   */
  checkProducers?(producers: Record<string, ProducerInfo | ProducerInfo[]>): string[];
  /**
   * Whether the output shows the ids of its input nodes (`ctx.inputNodes`, e.g. a report's captions):
   * then those ids enter its cache key, so a renamed input is not served a stale caption.
   */
  namesInputs?: boolean;
  /** Per-sample work the engine may split into shards (see `Sharding`). */
  shards?: Sharding<P>;
  /** Computes the output from the inputs (by port), the params (defaults applied) and the context. */
  run(inputs: PluginInputs, params: P, ctx: PluginContext): Promise<Artifact>;
}

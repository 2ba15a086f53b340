import { Artifact } from '../artifacts/artifact';
import { BackendInfo } from '../backend/backend-info';
import { DiskInput } from '../cache/file-fingerprint';
import { SeededRng } from '../rng/seeded-rng';

/** The node kinds of an experiment, in pipeline order (DESIGN.md). Plugins may add kinds of their own. */
export const BUILT_IN_KINDS = ['load', 'model', 'pretrain', 'encode', 'probe', 'attack', 'score', 'table', 'report'] as const;

/** One named input of a plugin: the artifact type it accepts, one artifact or a list (`many`). */
export interface PortSpec {
  type: string;
  description: string;
  many?: boolean;
  optional?: boolean;
}

export type PluginInputs = Record<string, Artifact | Artifact[] | undefined>;

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
  progress(done: number, total: number, note?: string): void;
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
export interface Plugin<P = any> { // eslint-disable-line @typescript-eslint/no-explicit-any
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
  run(inputs: PluginInputs, params: P, ctx: PluginContext): Promise<Artifact>;
}

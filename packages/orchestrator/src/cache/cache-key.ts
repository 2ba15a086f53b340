import { createHash } from 'node:crypto';
import { RtlabError } from '@rtlab/sdk';
import { canonicalJson } from './canonical-json';

/** Everything a node's output depends on. Same description -> same key -> same artifact. */
export interface KeyDescription {
  kind: string;
  plugin: string;
  version: string;
  params: unknown;
  seed: number;
  inputs: Record<string, string | string[]>;
  /** Fingerprints of the files the node reads ("data:cifar-10-batches-bin" -> digest); absent when none. */
  files?: Record<string, string>;
  /** The ids of the input nodes, for a plugin whose output shows them (`Plugin.namesInputs`); absent otherwise. */
  inputNodes?: Record<string, string | string[]>;
}

/** What every cache key is: a sha256 in hex. Keys become folder names, so nothing else may pass for one. */
export const CACHE_KEY = /^[0-9a-f]{64}$/;

export function checkCacheKey(key: string): string {
  if (typeof key !== 'string' || !CACHE_KEY.test(key))
    throw new RtlabError('cache', `not a cache key (64 hex digits): ${JSON.stringify(String(key).slice(0, 80))}`);
  return key;
}

export interface CacheKey {
  key: string;
  /** The exact text that was hashed, kept so a miss can be explained (`rtlab run --explain`). */
  canonical: string;
}

/**
 * sha256 of the canonical JSON of a node's description (params with defaults applied, input keys).
 * @example cacheKey({ kind: 'load', plugin: 'dsprites', version: '1.0.0', params: { count: 10 }, seed: 0, inputs: {} }).key
 */
export function cacheKey(description: KeyDescription): CacheKey {
  const canonical = canonicalJson(description);
  return { key: createHash('sha256').update(canonical).digest('hex'), canonical };
}

/** The key of one shard's output (samples [start, end) of a split node): what a queue job for the shard stores. */
export function shardKey(key: string, start: number, end: number): string {
  return createHash('sha256').update(`${key}/shard/${start}-${end}`).digest('hex');
}

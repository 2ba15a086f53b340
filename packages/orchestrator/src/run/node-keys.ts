import { cacheKey, CacheKey } from '../cache/cache-key';
import { ResolvedPipeline } from '../validate/resolved-pipeline';

/**
 * The cache key of every node, computed before anything runs: a node's key depends only on its own
 * description and its inputs' keys, so an unchanged prefix of a pipeline keeps its keys.
 */
export function nodeKeys(pipeline: ResolvedPipeline): Map<string, CacheKey> {
  const keys = new Map<string, CacheKey>();
  for (const n of pipeline.nodes) {
    const inputs = Object.fromEntries(
      Object.entries(n.inputs).map(([port, ref]) => [port, Array.isArray(ref) ? ref.map((r) => keys.get(r)!.key) : keys.get(ref)!.key]),
    );
    keys.set(n.id, cacheKey({ kind: n.kind, plugin: n.plugin.name, version: n.plugin.version, params: n.params, seed: pipeline.seed, inputs }));
  }
  return keys;
}

/** The node's 32-bit seed: the first 8 hex digits of its key (which already includes the pipeline seed). */
export function seedOfKey(key: string): number {
  return parseInt(key.slice(0, 8), 16) >>> 0;
}

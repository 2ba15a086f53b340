import { Producer } from '../cache/cache-entry';
import { CacheKey } from '../cache/cache-key';
import { ResolvedNode } from '../validate/resolved-pipeline';

/** port -> the cache key(s) of the node(s) feeding it. */
export function inputKeysOf(node: ResolvedNode, keyOf: (id: string) => string): Record<string, string | string[]> {
  return Object.fromEntries(
    Object.entries(node.inputs).map(([port, ref]) => [port, Array.isArray(ref) ? ref.map(keyOf) : keyOf(ref)]),
  );
}

/** Who made an entry, with the description its key hashes (`rtlab cache ls`, `--explain`, a queue worker's check). */
export function producerOf(node: ResolvedNode, key: CacheKey): Producer {
  return {
    node: node.id,
    plugin: `${node.kind}/${node.plugin.name}`,
    version: node.plugin.version,
    canonical: key.canonical,
  };
}

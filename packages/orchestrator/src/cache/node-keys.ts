import { DiskInput, Plugin } from '@rtlab/sdk';
import { cacheKey, CacheKey, KeyDescription } from './cache-key';
import { fingerprint, Roots } from './file-fingerprint';
import { FileHashes } from './file-hashes';
import { ResolvedPipeline } from '../validate/resolved-pipeline';

/** What a node is, before its key: the coordinator describes each node so, and a queue worker describes a job so to check its key. */
export interface NodeSpec {
  kind: string;
  plugin: Plugin;
  /** With the schema's defaults applied. */
  params: Record<string, unknown>;
  seed: number;
  /** port -> the cache key(s) of its input(s). */
  inputs: Record<string, string | string[]>;
  /** port -> the id(s) of the node(s) feeding it. */
  inputNodes: Record<string, string | string[]>;
}

/** How a file a node reads is named in its description: "data:cifar-10-batches-bin". */
export const fileId = (r: DiskInput) => `${r.root}:${r.path}`;

/** The description a node's key hashes: the plugin's version, and the fingerprints of the files it reads under `roots`. */
export function keyDescription(n: NodeSpec, roots: Roots, hashes: FileHashes | Map<string, string>): KeyDescription {
  const reads = n.plugin.reads?.(n.params) ?? [];
  const print = (r: DiskInput) => (hashes instanceof Map ? hashes.get(fileId(r))! : fingerprint(r, roots, hashes));
  const files = reads.length ? { files: Object.fromEntries(reads.map((r) => [fileId(r), print(r)])) } : {};
  const named = n.plugin.namesInputs ? { inputNodes: n.inputNodes } : {};
  return {
    kind: n.kind,
    plugin: n.plugin.name,
    version: n.plugin.version,
    params: n.params,
    seed: n.seed,
    inputs: n.inputs,
    ...files,
    ...named,
  };
}

/**
 * The cache key of every node, computed before anything runs: a node's key depends only on its own
 * description, its inputs' keys and the content fingerprints of the files it reads (see `Plugin.reads`),
 * so an unchanged prefix of a pipeline keeps its keys and a dataset or checkpoint with other bytes does not.
 */
export function nodeKeys(pipeline: ResolvedPipeline, roots: Roots, hashes: FileHashes): Map<string, CacheKey> {
  const keys = new Map<string, CacheKey>();
  for (const n of pipeline.nodes) {
    const inputs = Object.fromEntries(
      Object.entries(n.inputs).map(([port, ref]) => [
        port,
        Array.isArray(ref) ? ref.map((r) => keys.get(r)!.key) : keys.get(ref)!.key,
      ]),
    );
    keys.set(
      n.id,
      cacheKey(
        keyDescription(
          { kind: n.kind, plugin: n.plugin, params: n.params, seed: pipeline.seed, inputs, inputNodes: n.inputs },
          roots,
          hashes,
        ),
      ),
    );
  }
  return keys;
}

/** The node's 32-bit seed: the first 8 hex digits of its key (which already includes the pipeline seed). */
export function seedOfKey(key: string): number {
  return parseInt(key.slice(0, 8), 16) >>> 0;
}

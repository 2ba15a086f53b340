import { Artifact, Plugin } from '@rtlab/sdk';
import { checkArtifact } from '../artifacts/check-artifact';
import { ArtifactCache } from '../cache/artifact-cache';
import { Producer } from '../cache/cache-entry';

export interface StoreOptions {
  signal?: AbortSignal;
  /** The folder the plugin wrote its files to: they move into the entry (the caller removes the folder). */
  scratchDir?: string;
  /** --force: the result replaces an entry already there (else the first entry written stays). */
  replace?: boolean;
}

/**
 * The tail of every computation, wherever it ran (here, on worker threads, on a queue worker, or merged
 * from shards): the artifact is checked against its plugin's contract, then stored under its key.
 */
export async function storeResult(
  cache: ArtifactCache,
  key: string,
  artifact: Artifact,
  plugin: Plugin,
  producer: Producer,
  o: StoreOptions = {},
): Promise<void> {
  checkArtifact(artifact, plugin);
  o.signal?.throwIfAborted();
  await cache.put(key, artifact, producer, o);
}

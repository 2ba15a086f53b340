import { Artifact, JsonValue, PluginInputs } from '@rtlab/sdk';

/** One plugin run, described by value so that it can cross a thread (and later a machine) boundary. */
export interface PluginJob {
  kind: string;
  plugin: string;
  params: { [key: string]: JsonValue };
  inputs: PluginInputs;
  nodeId: string;
  /** The node's cache key; the plugin's seed derives from it. */
  key: string;
  dataRoot: string;
  modelRoot: string;
  /** A folder for files the result keeps on disk, on the cache's file system (see `ArtifactCache.scratchDir`). */
  scratchDir?: string;
  /** The ids of the nodes feeding each port (PluginContext.inputNodes). */
  inputNodes?: Record<string, string | string[]>;
  /** See PluginContext.partBytes. */
  partBytes?: number;
  /** For one shard of a split node: the index of its first sample in the node's whole dataset. */
  firstSample?: number;
  /** The cache keys of the inputs (port -> key(s)), where they are whole cached artifacts: a worker thread holds those between jobs. */
  inputKeys?: Record<string, string | string[]>;
}

/** The input keys of a shard's job: a shard's split port holds a slice, not the cached artifact its key names. */
export function wholeInputKeys(keys: PluginJob['inputKeys'], splitPort: string | undefined): PluginJob['inputKeys'] {
  return keys && Object.fromEntries(Object.entries(keys).filter(([port]) => port !== splitPort));
}

export interface JobResult {
  artifact: Artifact;
  /** Tensors the plugin left allocated on its backend (warned about, never fatal). */
  leaked: number;
  /** Bytes of inputs copied to a worker thread for this job (inputs it already held are not copied). */
  copiedBytes?: number;
}

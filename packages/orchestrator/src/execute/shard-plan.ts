import { DATASET_IMAGES, datasetView, Plugin, PluginInputs, RtlabError } from '@rtlab/sdk';
import { ArtifactCache } from '../cache/artifact-cache';

/**
 * Up to `shards` contiguous [start, end) ranges covering `count` samples, each a multiple of `unit`
 * samples long (but the last), as even as that allows; fewer when there are not enough units.
 * @example shardRanges(10, 3, 2) // [[0, 2], [2, 6], [6, 10]]
 */
export function shardRanges(count: number, shards: number, unit: number): [number, number][] {
  const units = Math.ceil(count / Math.max(1, unit));
  const n = Math.max(1, Math.min(shards, units));
  const out: [number, number][] = [];
  for (let s = 0, done = 0; s < n; s++) {
    const take = Math.floor((units - done) / (n - s));
    const start = done * unit;
    done += take;
    out.push([start, Math.min(count, done * unit)]);
  }
  return out;
}

/** How a node is split: which port's Dataset, and the sample ranges of its shards. */
export interface ShardPlan {
  port: string;
  ranges: [number, number][];
}

/**
 * The shards of a node whose plugin splits (`Plugin.shards`) over `count` samples of its split port, at
 * the plugin's unit; undefined when it does not split, or `shards` or the samples allow one shard only.
 */
export function planShards(
  plugin: Plugin,
  params: Record<string, unknown>,
  count: number,
  shards: number,
): ShardPlan | undefined {
  if (!plugin.shards || shards < 2) return undefined;
  const ranges = shardRanges(count, shards, plugin.shards.unit(params));
  return ranges.length < 2 ? undefined : { port: plugin.shards.port, ranges };
}

/** The shards of a node given its loaded inputs: the split port's Dataset counts the samples. */
export function shardsOfInputs(
  plugin: Plugin,
  params: Record<string, unknown>,
  inputs: PluginInputs,
  shards: number,
): ShardPlan | undefined {
  const data = plugin.shards && inputs[plugin.shards.port];
  if (!data || Array.isArray(data) || data.type !== 'Dataset') return undefined;
  return planShards(plugin, params, datasetView(data).count, shards);
}

/**
 * The shards of a node whose inputs stay in the cache (workers read them): the sample count comes from
 * the header of the split port's cached tensors, without reading the data.
 */
export async function shardsOfCached(
  node: { id: string; plugin: Plugin; params: Record<string, unknown> },
  input: { id: string; key: string; type: string } | undefined,
  cache: ArtifactCache,
  shards: number,
): Promise<ShardPlan | undefined> {
  if (!node.plugin.shards || shards < 2 || !input || input.type !== 'Dataset') return undefined;
  const images = (await cache.tensorShapes(input.key))?.[DATASET_IMAGES];
  if (!images)
    throw new RtlabError(
      'cache',
      `input "${input.id}" of ${node.id} is not in the cache at ${cache.root}; rerun to compute it again`,
    );
  return planShards(node.plugin, node.params, images[0], shards);
}

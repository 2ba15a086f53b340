import { JsonValue, Plugin } from '@rtlab/sdk';
import { Producer } from '../../cache/cache-entry';
import { cacheKey, shardKey } from '../../cache/cache-key';
import { fingerprintAsync } from '../../cache/file-fingerprint';
import { FileHashes } from '../../cache/file-hashes';
import { fileId, keyDescription } from '../../cache/node-keys';
import { ParamsResult } from '../../plugins/plugin-registry';
import { checkJobShape, checkPorts, refuse } from './job-shape';
import { difference } from './key-difference';
import { QueueJobData } from './queue-job';
import { confineToRoots, WorkerRoots } from './worker-roots';

/** What a worker runs and stores for a job it checked: its own params, roots and producer, never the job's. */
export interface VerifiedJob {
  params: { [key: string]: JsonValue };
  producer: Producer;
}

/**
 * Checks a queue job as a worker must before it computes anything: anyone who reaches Redis can push one.
 * The worker rebuilds the node's description with its own plugin (its version), the params as its
 * plugin's schema validates and completes them, the files the node reads under its own roots (which the
 * paths must not leave) and their fingerprints here, and computes the key; the job's key, and its
 * output key (the node's, or the shard's), must be that key. So whatever a job claims, what is stored
 * under a key is what that key describes. Throws, naming the difference, otherwise.
 */
export async function verifyJob(
  d: QueueJobData,
  plugin: Plugin,
  checkParams: (p: Plugin, params: Record<string, unknown>) => ParamsResult,
  roots: WorkerRoots,
  hashes: FileHashes,
): Promise<VerifiedJob> {
  checkJobShape(d);
  checkPorts(d, plugin);
  const { params, errors } = checkParams(plugin, d.params);
  if (errors.length)
    refuse(
      d,
      `its params are refused by ${d.kind}/${d.plugin}@${plugin.version}'s schema: ${errors.map((e) => `${['params', ...e.path].join('.')}: ${e.message}`).join('; ')}`,
    );
  // the files it reads, each confined to this worker's folders, hashed without blocking the job locks' renewal
  const fingerprints = new Map<string, string>();
  for (const input of plugin.reads?.(params) ?? []) {
    confineToRoots(input, roots, d.nodeId);
    fingerprints.set(fileId(input), await fingerprintAsync(input, roots, hashes));
  }
  const spec = { kind: d.kind, plugin, params, seed: d.seed, inputs: d.inputKeys, inputNodes: d.inputNodes ?? {} };
  const description = keyDescription(spec, roots, fingerprints);
  const { key, canonical } = cacheKey(description);
  if (key !== d.key)
    refuse(
      d,
      `its key is not the key of its node as this worker describes it: ${difference(description, d.producer?.canonical)}`,
    );
  const outputKey = d.shard ? shardKey(key, d.shard.start, d.shard.end) : key;
  if (d.shard && d.shard.port !== plugin.shards?.port)
    refuse(
      d,
      `it is a shard of port "${d.shard.port}", but ${d.kind}/${d.plugin} splits ${plugin.shards ? `"${plugin.shards.port}"` : 'no port'}`,
    );
  if (d.outputKey !== outputKey)
    refuse(
      d,
      `its output key ${d.outputKey.slice(0, 12)} is not ${d.shard ? `the key of its shard [${d.shard.start}, ${d.shard.end})` : "its node's key"} (${outputKey.slice(0, 12)})`,
    );
  return {
    params: params as VerifiedJob['params'],
    producer: { node: d.nodeId, plugin: `${d.kind}/${d.plugin}`, version: plugin.version, canonical },
  };
}

import { JsonValue, Plugin, PluginInputs, RtlabError } from '@rtlab/sdk';
import { Producer } from '../../cache/cache-entry';
import { canonicalJson } from '../../cache/canonical-json';
import { CACHE_KEY, cacheKey, KeyDescription, shardKey } from '../../cache/cache-key';
import { FileHashes } from '../../cache/file-hashes';
import { keyDescription } from '../../cache/node-keys';
import { NODE_ID } from '../../pipeline/expand-matrix';
import { ParamsResult } from '../../plugins/plugin-registry';
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
export function verifyJob(
  d: QueueJobData,
  plugin: Plugin,
  checkParams: (p: Plugin, params: Record<string, unknown>) => ParamsResult,
  roots: WorkerRoots,
  hashes: FileHashes,
): VerifiedJob {
  checkJobShape(d);
  checkPorts(d, plugin);
  const { params, errors } = checkParams(plugin, d.params);
  if (errors.length)
    refuse(
      d,
      `its params are refused by ${d.kind}/${d.plugin}@${plugin.version}'s schema: ${errors.map((e) => `${['params', ...e.path].join('.')}: ${e.message}`).join('; ')}`,
    );
  for (const input of plugin.reads?.(params) ?? []) confineToRoots(input, roots, d.nodeId);
  const description = keyDescription(
    { kind: d.kind, plugin, params, seed: d.seed, inputs: d.inputKeys, inputNodes: d.inputNodes ?? {} },
    roots,
    hashes,
  );
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

/** The artifacts read for the job's input keys are of the types its plugin's ports take. */
export function checkInputTypes(d: QueueJobData, plugin: Plugin, inputs: PluginInputs): void {
  for (const [port, value] of Object.entries(inputs)) {
    const want = plugin.inputs[port].type;
    const wrong = (Array.isArray(value) ? value : [value]).find((a) => a?.type !== want);
    if (wrong) refuse(d, `its input "${port}" is a ${wrong?.type}, and ${d.kind}/${d.plugin} takes a ${want}`);
  }
}

function refuse(d: QueueJobData, why: string): never {
  throw new RtlabError('input', `job ${String(d.outputKey).slice(0, 12)} (${d.nodeId}) refused: ${why}`);
}

/**
 * The fields a job must have, of the right types, before any of them is used (a key becomes a folder,
 * a node id a log line): Redis holds whatever anyone wrote.
 */
export function checkJobShape(d: QueueJobData): void {
  const keys = (v: unknown) =>
    typeof v === 'string'
      ? CACHE_KEY.test(v)
      : Array.isArray(v) && v.every((k) => typeof k === 'string' && CACHE_KEY.test(k));
  const ids = (v: unknown) =>
    typeof v === 'string'
      ? NODE_ID.test(v)
      : Array.isArray(v) && v.every((k) => typeof k === 'string' && NODE_ID.test(k));
  const record = (v: unknown, valid: (x: unknown) => boolean) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every(valid);
  if (typeof d !== 'object' || d === null) throw new RtlabError('input', 'a job without data refused');
  const problems = [
    typeof d.nodeId === 'string' && NODE_ID.test(d.nodeId) ? '' : 'nodeId',
    typeof d.kind === 'string' && NODE_ID.test(d.kind) ? '' : 'kind',
    typeof d.plugin === 'string' && NODE_ID.test(d.plugin) ? '' : 'plugin',
    typeof d.key === 'string' && CACHE_KEY.test(d.key) ? '' : 'key',
    typeof d.outputKey === 'string' && CACHE_KEY.test(d.outputKey) ? '' : 'outputKey',
    Number.isSafeInteger(d.seed) ? '' : 'seed',
    d.params !== null && typeof d.params === 'object' && !Array.isArray(d.params) ? '' : 'params',
    record(d.inputKeys, keys) ? '' : 'inputKeys',
    d.inputNodes === undefined || record(d.inputNodes, ids) ? '' : 'inputNodes',
    d.partBytes === undefined || (Number.isSafeInteger(d.partBytes) && d.partBytes > 0) ? '' : 'partBytes',
    !d.shard ||
    (typeof d.shard.port === 'string' &&
      Number.isSafeInteger(d.shard.start) &&
      Number.isSafeInteger(d.shard.end) &&
      d.shard.start >= 0 &&
      d.shard.start < d.shard.end)
      ? ''
      : 'shard',
  ].filter(Boolean);
  if (problems.length)
    throw new RtlabError(
      'input',
      `job ${CACHE_KEY.test(String(d.outputKey)) ? d.outputKey.slice(0, 12) : '(malformed key)'} refused: malformed ${problems.join(', ')}`,
    );
}

/** The job feeds exactly the plugin's ports: one artifact or a list as each takes, none missing. */
function checkPorts(d: QueueJobData, plugin: Plugin): void {
  for (const [port, keys] of Object.entries(d.inputKeys)) {
    const spec = plugin.inputs[port];
    if (!spec) refuse(d, `it feeds port "${port}", which ${d.kind}/${d.plugin} does not have`);
    if (Array.isArray(keys) !== Boolean(spec.many))
      refuse(d, `port "${port}" takes ${spec.many ? 'a list of artifacts' : 'one artifact'}`);
  }
  const missing = Object.entries(plugin.inputs)
    .filter(([port, spec]) => !spec.optional && !(port in d.inputKeys))
    .map(([port]) => port);
  if (missing.length) refuse(d, `port(s) ${missing.join(', ')} of ${d.kind}/${d.plugin} get no input`);
}

/** What differs between this worker's description and the one the job says it was made from. */
function difference(ours: KeyDescription, claimed: string | undefined): string {
  let theirs: Record<string, unknown>;
  try {
    theirs = JSON.parse(claimed ?? '');
  } catch {
    return 'the job carries no description of its own to compare';
  }
  const fields = new Set([...Object.keys(ours), ...Object.keys(theirs)]);
  const differences: string[] = [];
  for (const field of fields) {
    const [a, b] = [(ours as unknown as Record<string, unknown>)[field], theirs[field]];
    if (field === 'version' && a !== b) differences.push(`plugin version ${b} in the job, ${a} on this worker`);
    else if (field === 'files')
      differences.push(
        ...fileDifferences(a as Record<string, string> | undefined, b as Record<string, string> | undefined),
      );
    else if (isRecord(a) && isRecord(b))
      differences.push(
        ...Object.keys({ ...a, ...b })
          .filter((k) => same(a[k], b[k]) === false)
          .map((k) => `${field}.${k}: ${show(b[k])} in the job, ${show(a[k])} here`),
      );
    else if (same(a, b) === false) differences.push(`${field}: ${show(b)} in the job, ${show(a)} here`);
  }
  return differences.length ? differences.join('; ') : 'its key is not the hash of the description it carries';
}

function fileDifferences(ours: Record<string, string> = {}, theirs: Record<string, string> = {}): string[] {
  return Object.keys({ ...ours, ...theirs })
    .filter((f) => ours[f] !== theirs[f])
    .map((f) => {
      const [root, ...rest] = f.split(':');
      return `${root} file "${rest.join(':')}" ${ours[f] === 'missing' ? 'is missing on this worker' : `differs on this worker (fingerprint ${theirs[f] ?? 'none'} in the job, ${ours[f] ?? 'none'} here)`}`;
    });
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const same = (a: unknown, b: unknown) => {
  try {
    return canonicalJson(a ?? null) === canonicalJson(b ?? null);
  } catch {
    return false;
  }
};
const show = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));

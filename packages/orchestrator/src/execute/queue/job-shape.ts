import { datasetView, Plugin, PluginInputs, RtlabError } from '@rtlab/sdk';
import { CACHE_KEY } from '../../cache/cache-key';
import { NODE_ID } from '../../pipeline/expand-matrix';
import { terminalSafe } from '../../progress/terminal-safe';
import { QueueJobData } from './queue-job';

/** Inputs a list port may take from one job: more is no pipeline's, only a way to make a worker wait on many reads. */
const MAX_LIST_INPUTS = 4096;
/** Roots a job names (hints for messages): printable, of a sane length. */
const printablePath = (r: unknown) =>
  typeof r === 'string' && r.length > 0 && r.length <= 4096 && r === terminalSafe(r);

export function refuse(d: QueueJobData, why: string): never {
  throw new RtlabError('input', `job ${d.outputKey.slice(0, 12)} (${d.nodeId}) refused: ${why}`);
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const plain = (v: unknown) => typeof v === 'string' && NODE_ID.test(v);
const keys = (v: unknown) =>
  typeof v === 'string'
    ? CACHE_KEY.test(v)
    : Array.isArray(v) && v.length <= MAX_LIST_INPUTS && v.every((k) => typeof k === 'string' && CACHE_KEY.test(k));
const ids = (v: unknown) => (Array.isArray(v) ? v.length <= MAX_LIST_INPUTS && v.every(plain) : plain(v));
/** An object whose own keys are plain names (ports) and whose values pass. */
const ports = (v: unknown, valid: (x: unknown) => boolean) =>
  isRecord(v) && Object.entries(v).every(([k, x]) => plain(k) && valid(x));

/**
 * The fields a job must have, of the right types, before any of them is used (a key becomes a folder,
 * a node id or a port a log line): Redis holds whatever anyone wrote.
 */
export function checkJobShape(d: QueueJobData): void {
  if (!isRecord(d)) throw new RtlabError('input', 'a job without data refused');
  const s = d.shard;
  const problems = [
    plain(d.nodeId) ? '' : 'nodeId',
    plain(d.kind) ? '' : 'kind',
    plain(d.plugin) ? '' : 'plugin',
    typeof d.key === 'string' && CACHE_KEY.test(d.key) ? '' : 'key',
    typeof d.outputKey === 'string' && CACHE_KEY.test(d.outputKey) ? '' : 'outputKey',
    Number.isSafeInteger(d.seed) ? '' : 'seed',
    isRecord(d.params) ? '' : 'params',
    ports(d.inputKeys, keys) ? '' : 'inputKeys',
    d.inputNodes === undefined || ports(d.inputNodes, ids) ? '' : 'inputNodes',
    d.partBytes === undefined || (Number.isSafeInteger(d.partBytes) && d.partBytes > 0) ? '' : 'partBytes',
    [d.dataRoot, d.modelRoot].every(printablePath) ? '' : 'roots',
    !s ||
    (plain(s.port) && Number.isSafeInteger(s.start) && Number.isSafeInteger(s.end) && s.start >= 0 && s.start < s.end)
      ? ''
      : 'shard',
  ].filter(Boolean);
  if (problems.length) {
    const id =
      typeof d.outputKey === 'string' && CACHE_KEY.test(d.outputKey) ? d.outputKey.slice(0, 12) : '(malformed key)';
    throw new RtlabError('input', `job ${id} refused: malformed ${problems.join(', ')}`);
  }
}

/** The job feeds exactly the plugin's ports: one artifact or a list as each takes, none missing. */
export function checkPorts(d: QueueJobData, plugin: Plugin): void {
  for (const [port, keys] of Object.entries(d.inputKeys)) {
    if (!Object.hasOwn(plugin.inputs, port))
      refuse(d, `it feeds port "${port}", which ${d.kind}/${d.plugin} does not have`);
    const spec = plugin.inputs[port];
    if (Array.isArray(keys) !== Boolean(spec.many))
      refuse(d, `port "${port}" takes ${spec.many ? 'a list of artifacts' : 'one artifact'}`);
  }
  const missing = Object.entries(plugin.inputs)
    .filter(([port, spec]) => !spec.optional && !Object.hasOwn(d.inputKeys, port))
    .map(([port]) => port);
  if (missing.length) refuse(d, `port(s) ${missing.join(', ')} of ${d.kind}/${d.plugin} get no input`);
}

/**
 * The artifacts read for the job's input keys are of the types its plugin's ports take, and a shard's
 * range lies inside the Dataset it splits.
 */
export function checkInputs(d: QueueJobData, plugin: Plugin, inputs: PluginInputs): void {
  for (const [port, value] of Object.entries(inputs)) {
    const want = plugin.inputs[port].type;
    const wrong = (Array.isArray(value) ? value : [value]).find((a) => a?.type !== want);
    if (wrong) refuse(d, `its input "${port}" is a ${wrong?.type}, and ${d.kind}/${d.plugin} takes a ${want}`);
  }
  if (!d.shard) return;
  const data = inputs[d.shard.port];
  const count = data && !Array.isArray(data) && data.type === 'Dataset' ? datasetView(data).count : 0;
  if (d.shard.end > count)
    refuse(d, `its shard [${d.shard.start}, ${d.shard.end}) reaches past the ${count} samples of "${d.shard.port}"`);
}

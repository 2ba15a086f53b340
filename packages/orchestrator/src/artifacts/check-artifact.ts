import * as fs from 'node:fs';
import {
  Artifact,
  contractProblems,
  FileTensor,
  firstNonFinite,
  hostTensor,
  Plugin,
  rowBytesOf,
  RtlabError,
} from '@rtlab/sdk';
import { canonicalJson } from '../cache/canonical-json';

/**
 * Rejects a plugin result that must not be cached: wrong type, malformed tensors, NaN or Inf in a float
 * tensor (a diverged training would otherwise be served to every consumer), NaN in metadata.
 */
export function checkArtifact(artifact: Artifact, plugin: Plugin): void {
  const who = `${plugin.kind}/${plugin.name}`;
  if (!artifact || typeof artifact !== 'object')
    throw new RtlabError('plugin', `${who} returned ${artifact}, not an artifact`);
  if (artifact.type !== plugin.output) {
    throw new RtlabError('plugin', `${who} declares output ${plugin.output} but returned a ${artifact.type}`);
  }
  for (const [name, t] of Object.entries(artifact.tensors ?? {})) {
    try {
      hostTensor(t.shape, t.data);
    } catch (e) {
      throw new RtlabError('plugin', `${who} returned tensor "${name}": ${(e as Error).message}`);
    }
    const bad = t.dtype === 'float32' ? firstNonFinite(t.data) : -1;
    if (bad >= 0) {
      throw new RtlabError(
        'plugin',
        `${who} returned tensor "${name}" with ${t.data[bad]} at element ${bad} (of ${t.data.length}): a diverging computation (lower the learning rate or step size); nothing was cached`,
      );
    }
  }
  for (const [name, t] of Object.entries(artifact.files ?? {})) {
    const problem = fileTensorProblem(t);
    if (problem) throw new RtlabError('plugin', `${who} returned file tensor "${name}": ${problem}`);
  }
  const broken = contractProblems(artifact);
  if (broken.length)
    throw new RtlabError(
      'plugin',
      `${who} returned ${/^[AEIOU]/.test(artifact.type) ? 'an' : 'a'} ${artifact.type} that breaks its contract: ${broken.join('; ')}`,
    );
  try {
    canonicalJson(artifact.meta, '#/meta');
  } catch (e) {
    throw new RtlabError('plugin', `${who} returned metadata that is not finite JSON: ${(e as Error).message}`);
  }
}

/** What is wrong with a file tensor's description (its values are not read: they may not fit memory). */
function fileTensorProblem(t: FileTensor): string | undefined {
  if (!['float32', 'int32', 'uint8'].includes(t.dtype)) return `dtype ${t.dtype}`;
  if (!Array.isArray(t.shape) || t.shape.length === 0 || t.shape.some((d) => !Number.isInteger(d) || d < 0))
    return `shape [${t.shape}]`;
  if (!Array.isArray(t.parts)) return 'no parts';
  const rowBytes = rowBytesOf(t);
  let rows = 0;
  for (const part of t.parts) {
    if (![part.rows, part.offset].every((v) => Number.isInteger(v) && v >= 0) || typeof part.file !== 'string')
      return `a part ${JSON.stringify(part)}`;
    const size = fs.statSync(part.file, { throwIfNoEntry: false })?.size;
    if (size === undefined) return `its file ${part.file} does not exist`;
    if (size < part.offset + part.rows * rowBytes)
      return `its file ${part.file} has ${size} bytes, fewer than its ${part.rows} rows need`;
    rows += part.rows;
  }
  return rows === t.shape[0] ? undefined : `its parts hold ${rows} rows, its shape says ${t.shape[0]}`;
}

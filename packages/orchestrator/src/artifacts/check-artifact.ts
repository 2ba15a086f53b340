import { Artifact, hostTensor, Plugin, RtlabError } from '@rtlab/sdk';
import { canonicalJson } from '../cache/canonical-json';

/** Rejects a plugin result that the cache could not store faithfully: wrong type, bad tensors, NaN in metadata. */
export function checkArtifact(artifact: Artifact, plugin: Plugin): void {
  const who = `${plugin.kind}/${plugin.name}`;
  if (!artifact || typeof artifact !== 'object') throw new RtlabError('plugin', `${who} returned ${artifact}, not an artifact`);
  if (artifact.type !== plugin.output) {
    throw new RtlabError('plugin', `${who} declares output ${plugin.output} but returned a ${artifact.type}`);
  }
  for (const [name, t] of Object.entries(artifact.tensors ?? {})) {
    try {
      hostTensor(t.shape, t.data);
    } catch (e) {
      throw new RtlabError('plugin', `${who} returned tensor "${name}": ${(e as Error).message}`);
    }
  }
  try {
    canonicalJson(artifact.meta, '#/meta');
  } catch (e) {
    throw new RtlabError('plugin', `${who} returned metadata that is not finite JSON: ${(e as Error).message}`);
  }
}

import { Artifact, firstNonFinite, hostTensor, Plugin, RtlabError } from '@rtlab/sdk';
import { canonicalJson } from '../cache/canonical-json';

/**
 * Rejects a plugin result that must not be cached: wrong type, malformed tensors, NaN or Inf in a float
 * tensor (a diverged training would otherwise be served to every consumer), NaN in metadata.
 */
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
    const bad = t.dtype === 'float32' ? firstNonFinite(t.data) : -1;
    if (bad >= 0) {
      throw new RtlabError('plugin', `${who} returned tensor "${name}" with ${t.data[bad]} at element ${bad} (of ${t.data.length}): a diverging computation (lower the learning rate or step size); nothing was cached`);
    }
  }
  try {
    canonicalJson(artifact.meta, '#/meta');
  } catch (e) {
    throw new RtlabError('plugin', `${who} returned metadata that is not finite JSON: ${(e as Error).message}`);
  }
}

import { Artifact, HEAD_BIAS, HEAD_WEIGHT, HostTensor, PluginContext, RtlabError, SeededRng } from '@rtlab/sdk';
import * as path from 'node:path';
import { Architecture } from '../architectures/architecture';
import { ModelMeta } from '../network/model-meta';
import { importWeights } from './import-weights';
import { readCheckpoint } from './read-checkpoint';

/** The checkpoint param every pretrained-network plugin takes. */
export const CHECKPOINT_PARAM = {
  type: 'string',
  description:
    'Weights to import, relative to the model root: a PyTorch .pt zip state dict (plain or under "state_dict"; "module."/"model." prefixes removed) or .safetensors. Without it the network is freshly initialised from the node seed.',
};

const shapesOf = (w: Record<string, HostTensor>) => Object.fromEntries(Object.entries(w).map(([k, t]) => [k, t.shape]));

/** A classifier head found in the checkpoint (its fc layer), kept as the model's head. */
function headMeta(weights: Record<string, HostTensor>, arch: Architecture, file: string): Partial<ModelMeta> {
  const head = weights[HEAD_WEIGHT];
  if (!head) return { outputs: 0 };
  if (
    head.shape.length !== 2 ||
    head.shape[1] !== arch.featureDim ||
    weights[HEAD_BIAS]?.shape.join() !== String(head.shape[0])
  ) {
    throw new RtlabError(
      'input',
      `${file}: classifier fc.weight [${head.shape}] / fc.bias [${weights[HEAD_BIAS]?.shape ?? 'missing'}] do not fit a ${arch.featureDim}-d representation`,
    );
  }
  const k = head.shape[0];
  return { outputs: k, task: 'classification', classes: Array.from({ length: k }, (_, i) => `class${i}`) };
}

/**
 * The Model artifact of `arch`: imported from `checkpoint` (strictly: every weight, right shapes,
 * nothing unknown) or freshly initialised. `defaults` fill optional weights the file lacks (input normalisation).
 */
export function checkpointModel(
  arch: Architecture,
  checkpoint: string | undefined,
  ctx: PluginContext,
  defaults: Record<string, HostTensor> = {},
): Artifact {
  const fresh = arch.init(checkpoint ? new SeededRng(0) : ctx.rng);
  const base: ModelMeta = {
    architecture: arch.name,
    inputShape: arch.inputShape,
    featureDim: arch.featureDim,
    outputs: 0,
  };
  if (!checkpoint)
    return {
      type: 'Model',
      meta: { ...base, weights: 'random' } as Artifact['meta'],
      tensors: { ...fresh, ...defaults },
    };
  const file = path.resolve(ctx.modelRoot, checkpoint);
  ctx.progress(0, 1, `reading ${path.basename(file)}`);
  const optional = [HEAD_WEIGHT, HEAD_BIAS, ...Object.keys(fresh).filter((k) => k.startsWith('normalize.'))];
  const expected = shapesOf(Object.fromEntries(Object.entries(fresh).filter(([k]) => !optional.includes(k))));
  const weights = importWeights(readCheckpoint(file), expected, optional, file);
  for (const name of optional.filter((n) => n.startsWith('normalize.'))) {
    if (weights[name] && weights[name].shape.join() !== fresh[name].shape.join())
      throw new RtlabError('input', `${file}: ${name} is [${weights[name].shape}], expected [${fresh[name].shape}]`);
  }
  const meta = { ...base, ...headMeta(weights, arch, file), weights: path.basename(file) };
  return { type: 'Model', meta: meta as Artifact['meta'], tensors: { ...fresh, ...defaults, ...weights } };
}

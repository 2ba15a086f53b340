import { Plugin } from '@rtlab/sdk';
import { dspritesCnn } from '../architectures/dsprites-cnn';
import { Network } from '../network/network';

/** `model/dsprites-cnn`: the Tab. 6 network with PyTorch's default initialisation, seeded (the "random" representation). */
export const dspritesCnnPlugin: Plugin<Record<string, never>> = {
  kind: 'model',
  name: 'dsprites-cnn',
  version: '1.0.0',
  description:
    'The dSprites CNN of the paper (Tab. 6), freshly initialised from the node seed; g = the 84-d output before the head.',
  params: { type: 'object', additionalProperties: false, properties: {} },
  inputs: {},
  output: 'Model',
  async run(_inputs, _params, ctx) {
    const net = Network.fresh(dspritesCnn, ctx.rng);
    try {
      return await net.toArtifact();
    } finally {
      net.dispose();
    }
  },
};

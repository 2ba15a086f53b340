import { Plugin } from '@rtlab/sdk';
import { wideResNet } from '../architectures/wide-resnet';
import { CHECKPOINT_PARAM, checkpointModel } from '../checkpoint/checkpoint-model';

/** The params of `model/wide-resnet` (see the plugin's schema). */
export interface WideResNetParams {
  depth: number;
  widen: number;
  checkpoint?: string;
}

/** `model/wide-resnet`: RobustBench's CIFAR WideResNet (default WRN-34-10), imported from a checkpoint or fresh. */
export const wideResNetPlugin: Plugin<WideResNetParams> = {
  kind: 'model',
  name: 'wide-resnet',
  version: '1.0.0',
  description:
    "RobustBench's CIFAR WideResNet-depth-widen (default 34-10, e.g. Addepalli2022Efficient_WRN_34_10 for CIFAR-100), 32x32 RGB in [0, 1], no input normalisation; g = the pooled 64*widen-d output; the checkpoint's fc becomes the head.",
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      depth: { type: 'integer', minimum: 10, default: 34, description: 'Depth, 6n + 4 (34 in the paper).' },
      widen: { type: 'integer', minimum: 1, default: 10, description: 'Widening factor (10 in the paper).' },
      checkpoint: CHECKPOINT_PARAM,
    },
  },
  inputs: {},
  output: 'Model',
  reads: (p) => (p.checkpoint ? [{ root: 'model', path: p.checkpoint }] : []),
  async run(_inputs, p, ctx) {
    return checkpointModel(wideResNet(p.depth, p.widen), p.checkpoint, ctx);
  },
};

import { Plugin } from '@rtlab/sdk';
import {
  BottleneckConfig,
  IMAGENET_MEAN,
  IMAGENET_STD,
  resnetBottleneck,
  WRN_50_2,
} from '../architectures/resnet-bottleneck';
import { CHECKPOINT_PARAM, checkpointModel } from '../checkpoint/checkpoint-model';

/** The params of `model/resnet-bottleneck` (see the plugin's schema). */
export interface ResnetBottleneckParams extends BottleneckConfig {
  checkpoint?: string;
  mean: number[];
  std: number[];
}

const triple = (def: number[], what: string) => ({
  type: 'array',
  items: { type: 'number' },
  minItems: 3,
  maxItems: 3,
  default: def,
  description: what,
});

/** `model/resnet-bottleneck`: torchvision's Bottleneck ResNet (default wide_resnet50_2) with input normalisation inside. */
export const resnetBottleneckPlugin: Plugin<ResnetBottleneckParams> = {
  kind: 'model',
  name: 'resnet-bottleneck',
  version: '1.0.0',
  description:
    "torchvision's Bottleneck ResNet (default wide_resnet50_2, e.g. RobustBench Salman2020Do_50_2 for ImageNet) with (x - mean) / std inside; g = the pooled 32*planes-d output (2048); the checkpoint's fc becomes the head.",
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      blocks: {
        type: 'array',
        items: { type: 'integer', minimum: 1 },
        minItems: 4,
        maxItems: 4,
        default: WRN_50_2.blocks,
        description: 'Bottleneck blocks per stage ([3, 4, 6, 3]: 50 layers).',
      },
      planes: {
        type: 'integer',
        minimum: 1,
        default: WRN_50_2.planes,
        description: 'Planes of the first stage (torchvision: 64).',
      },
      widthPerGroup: {
        type: 'integer',
        minimum: 1,
        default: WRN_50_2.widthPerGroup,
        description: 'torchvision width_per_group (128: wide_resnet50_2; 64: resnet50).',
      },
      checkpoint: CHECKPOINT_PARAM,
      mean: triple(
        IMAGENET_MEAN,
        'Per-channel mean subtracted inside the network, unless the checkpoint has normalize.mean.',
      ),
      std: triple(
        IMAGENET_STD,
        'Per-channel std divided by inside the network, unless the checkpoint has normalize.std.',
      ),
    },
  },
  inputs: {},
  output: 'Model',
  reads: (p) => (p.checkpoint ? [{ root: 'model', path: p.checkpoint }] : []),
  async run(_inputs, p, ctx) {
    const normalize = {
      'normalize.mean': { dtype: 'float32' as const, shape: [3], data: Float32Array.from(p.mean) },
      'normalize.std': { dtype: 'float32' as const, shape: [3], data: Float32Array.from(p.std) },
    };
    return checkpointModel(resnetBottleneck(p), p.checkpoint, ctx, normalize);
  },
};

import { Plugin, RtlabError } from '@rtlab/sdk';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { onnxModel } from '../onnx/onnx-model';

/** The params of `model/onnx` (see the plugin's schema). */
export interface OnnxParams {
  file: string;
  externalData: string[];
  features?: string;
  inputShape?: [number, number, number];
  mean?: number[];
  std?: number[];
}

const channels = (what: string) => ({
  type: 'array',
  items: { type: 'number' },
  minItems: 1,
  maxItems: 4,
  description: what,
});

/** `model/onnx`: any network exported by torch.onnx.export, run on tfjs ops (input gradients on every backend). */
export const onnxPlugin: Plugin<OnnxParams> = {
  kind: 'model',
  name: 'onnx',
  version: '1.0.0',
  description:
    'A network from an ONNX file (torch.onnx.export, opsets 13-17): g = the value named by "features" (default: the input of the last Gemm/MatMul), the final linear layer becomes the head. Images are NHWC in [0, 1]; the graph gets them as NCHW.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['file'],
    properties: {
      file: { type: 'string', minLength: 1, description: 'The .onnx file, relative to the model root.' },
      externalData: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        default: [],
        description:
          'External-data files the .onnx file keeps weights in, relative to the model root (beside the .onnx file); listed so that their content enters the cache key.',
      },
      features: {
        type: 'string',
        minLength: 1,
        description: 'The graph value that is the representation g (default: the input of the last Gemm or MatMul).',
      },
      inputShape: {
        type: 'array',
        items: { type: 'integer', minimum: 1 },
        minItems: 3,
        maxItems: 3,
        description: '[H, W, C] of the images, when the export left height or width dynamic.',
      },
      mean: channels('Per-channel mean subtracted before the graph (default: none: the graph exactly as exported).'),
      std: channels('Per-channel std divided by before the graph (default: none).'),
    },
  },
  inputs: {},
  output: 'Model',
  reads: (p) => [p.file, ...p.externalData].map((f) => ({ root: 'model' as const, path: f })),
  async run(_inputs, p, ctx) {
    const file = path.resolve(ctx.modelRoot, p.file);
    const declared = new Set(
      p.externalData.map((f) => {
        const abs = path.resolve(ctx.modelRoot, f);
        if (!fs.existsSync(abs)) throw new RtlabError('input', `externalData: ${f} not found under the model root`);
        return fs.realpathSync(abs);
      }),
    );
    const hint = (location: string) =>
      `list it in the node's "externalData" param ("${path.join(path.dirname(p.file), location)}") so that its content enters the cache key`;
    ctx.progress(0, 1, `importing ${path.basename(file)}`);
    return onnxModel({ ...p, file, external: { file, declared, hint } });
  },
};

import { Artifact, HEAD_WEIGHT, HostTensor, modelArtifact, RtlabError } from '@rtlab/sdk';
import * as path from 'node:path';
import { ModelMeta } from '../network/model-meta';
import { ExternalDataPolicy } from './external-data';
import { importOnnx } from './import-onnx';
import { probeBatch } from './probe-batch';

/** What `model/onnx` imports: the file and how to read it. */
export interface OnnxModelOptions {
  file: string;
  external: ExternalDataPolicy;
  features?: string;
  /** [H, W, C] of the images; needed when the export left height or width dynamic. */
  inputShape?: [number, number, number];
  mean?: number[];
  std?: number[];
}

/** [H, W, C] from the graph's NCHW input, or the one given (which must agree with fixed dims). */
function inputShapeOf(
  dims: (number | string)[],
  given: OnnxModelOptions['inputShape'],
  file: string,
): [number, number, number] {
  const [, c, h, w] = dims;
  const fixed = [h, w, c].map((d) => (typeof d === 'number' && d > 0 ? d : undefined));
  if (given) {
    const clash = fixed.findIndex((d, i) => d !== undefined && d !== given[i]);
    if (clash >= 0)
      throw new RtlabError(
        'input',
        `${file}: inputShape [${given}] does not match the graph's input [N, ${c}, ${h}, ${w}] (NCHW)`,
      );
    return given;
  }
  if (fixed.some((d) => d === undefined))
    throw new RtlabError(
      'input',
      `${file}: the graph's input [N, ${c}, ${h}, ${w}] has dynamic sizes: set "inputShape" [H, W, C]`,
    );
  return fixed as [number, number, number];
}

function normalization(o: OnnxModelOptions, channels: number): Record<string, HostTensor> {
  if (!o.mean && !o.std) return {};
  const mean = o.mean ?? Array(channels).fill(0);
  const std = o.std ?? Array(channels).fill(1);
  if (mean.length !== channels || std.length !== channels || std.some((s) => s <= 0))
    throw new RtlabError('input', `mean and std need ${channels} entries (std > 0), got [${mean}] and [${std}]`);
  return {
    'normalize.mean': { dtype: 'float32', shape: [channels], data: Float32Array.from(mean) },
    'normalize.std': { dtype: 'float32', shape: [channels], data: Float32Array.from(std) },
  };
}

/** The Model artifact of an ONNX file: the program in its metadata, the weights as its tensors. */
export async function onnxModel(o: OnnxModelOptions): Promise<Artifact> {
  const imported = await importOnnx(o.file, o.external, o.features);
  const inputShape = inputShapeOf(imported.inputDims, o.inputShape, o.file);
  const tensors = { ...imported.tensors, ...normalization(o, inputShape[2]) };
  const program = { ...imported.program, normalize: 'normalize.mean' in tensors };
  const exported = imported.inputDims[0];
  const { batch, featureDim } = await probeBatch(
    program,
    tensors,
    inputShape,
    typeof exported === 'number' && exported > 0 ? exported : null,
  );
  const head = tensors[HEAD_WEIGHT];
  if (head && head.shape[1] !== featureDim)
    throw new RtlabError('input', `${o.file}: the final layer reads ${head.shape[1]} features, g has ${featureDim}`);
  const k = head?.shape[0] ?? 0;
  const meta: ModelMeta = {
    architecture: `onnx:${program.source}`,
    inputShape,
    featureDim,
    outputs: k,
    ...(k ? { task: 'classification' as const, classes: Array.from({ length: k }, (_, i) => `class${i}`) } : {}),
    weights: path.basename(o.file),
    onnx: { ...program, batch },
  };
  return modelArtifact({ weights: tensors, meta });
}

import { HostTensor, RtlabError, SeededRng } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';
import { EVAL } from '../network/batch-norm-mode';
import { onnxArchitecture } from './onnx-architecture';
import { OnnxProgram } from './onnx-program';

const SAMPLES = 3;

/** g of a few random images, run with the given batch policy; undefined when the graph fails so. */
async function featuresWith(
  program: OnnxProgram,
  batch: number | null,
  p: (name: string) => tf.Tensor,
  x: tf.Tensor4D,
  inputShape: [number, number, number],
): Promise<{ data: Float32Array; dim: number } | undefined> {
  const arch = onnxArchitecture({
    architecture: program.source,
    inputShape,
    featureDim: 0,
    onnx: { ...program, batch },
  });
  let g: tf.Tensor2D;
  try {
    g = arch.features(p, x, EVAL);
  } catch (e) {
    if (batch === null) return undefined;
    throw e;
  }
  const out = { data: (await g.data()) as Float32Array, dim: g.shape[1] };
  g.dispose();
  return out;
}

const close = (a: Float32Array, b: Float32Array) => {
  const scale = b.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  return a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) <= 1e-4 * scale + 1e-6);
};

/**
 * How the program must be batched, and g's width, found by running it: an export for a fixed batch size
 * (torch.onnx.export without dynamic_axes) may still run any batch, or may have that size baked into
 * its reshapes. A batch that fails or mixes samples runs in chunks of the exported size; a graph whose
 * outputs depend on the other samples of a dynamic batch is refused.
 */
export async function probeBatch(
  program: OnnxProgram,
  tensors: Record<string, HostTensor>,
  inputShape: [number, number, number],
  exportedBatch: number | null,
): Promise<{ batch: number | null; featureDim: number }> {
  const vars = new Map(Object.entries(tensors).map(([k, t]) => [k, tf.tensor(t.data, t.shape, 'float32')]));
  const rng = new SeededRng(0);
  const x = tf.tensor4d(
    Float32Array.from({ length: SAMPLES * inputShape.reduce((a, b) => a * b) }, () => rng.uniform()),
    [SAMPLES, ...inputShape],
  );
  const p = (name: string) => vars.get(name)!;
  try {
    const alone = (await featuresWith(program, exportedBatch ?? 1, p, x, inputShape))!;
    const together = await featuresWith(program, null, p, x, inputShape);
    if (together && close(together.data, alone.data)) return { batch: null, featureDim: alone.dim };
    if (exportedBatch === null)
      throw new RtlabError(
        'input',
        `${program.source}: g of a sample changes with the other samples in its batch (batch norm in training mode?); export the network in eval mode`,
      );
    return { batch: exportedBatch, featureDim: alone.dim };
  } finally {
    x.dispose();
    for (const v of vars.values()) v.dispose();
  }
}

import { HostTensor, RtlabError, SeededRng } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';
import { EVAL } from '../network/batch-norm-mode';
import { onnxArchitecture } from './onnx-architecture';
import { OnnxProgram } from './onnx-program';

/** g of a few random images, run with the given batch policy; undefined when the graph fails so. */
async function featuresWith(
  program: OnnxProgram,
  batch: number | null,
  p: (name: string) => tf.Tensor,
  x: tf.Tensor4D,
  inputShape: [number, number, number],
): Promise<{ data: Float32Array; rows: number; dim: number } | undefined> {
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
  const out = { data: (await g.data()) as Float32Array, rows: g.shape[0], dim: g.shape[1] };
  g.dispose();
  return out;
}

type Run = { data: Float32Array; rows: number; dim: number };

/** The same rows of g (a reshape that merges the batch keeps the values, not the shape), to float rounding. */
const same = (a: Run, b: Run) => {
  const scale = b.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  return a.rows === b.rows && a.dim === b.dim && a.data.every((v, i) => Math.abs(v - b.data[i]) <= 1e-4 * scale + 1e-6);
};

/**
 * How the program must be batched, and g's width, found by running it: an export for a fixed batch size
 * (torch.onnx.export without dynamic_axes) may still run any batch, or may have that size baked into
 * its reshapes. A batch of one image more than the exported size is run in chunks of that size and at
 * once; where at once fails or gives other rows, the network runs in chunks. A graph whose outputs depend
 * on the other samples of a dynamic batch, or that fails on one, is refused.
 */
export async function probeBatch(
  program: OnnxProgram,
  tensors: Record<string, HostTensor>,
  inputShape: [number, number, number],
  exportedBatch: number | null,
): Promise<{ batch: number | null; featureDim: number }> {
  const vars = new Map(Object.entries(tensors).map(([k, t]) => [k, tf.tensor(t.data, t.shape, 'float32')]));
  const rng = new SeededRng(0);
  // One more image than the exported batch: not a multiple of it, so a baked-in size cannot pass.
  const samples = (exportedBatch ?? 2) + 1;
  const x = tf.tensor4d(
    Float32Array.from({ length: samples * inputShape.reduce((a, b) => a * b) }, () => rng.uniform()),
    [samples, ...inputShape],
  );
  const p = (name: string) => vars.get(name)!;
  try {
    const alone = (await featuresWith(program, exportedBatch ?? 1, p, x, inputShape))!;
    if (alone.rows !== samples)
      throw new RtlabError(
        'input',
        `${program.source}: g of ${samples} images has ${alone.rows} rows; is "features" a per-image value?`,
      );
    const together = await featuresWith(program, null, p, x, inputShape);
    if (together && same(together, alone)) return { batch: null, featureDim: alone.dim };
    if (exportedBatch === null)
      throw new RtlabError(
        'input',
        together
          ? `${program.source}: g of an image changes with the other images in its batch (batch norm in training mode?); export the network after model.eval()`
          : `${program.source}: the graph declares a dynamic batch but fails on ${samples} images; export it with a fixed batch size`,
      );
    return { batch: exportedBatch, featureDim: alone.dim };
  } finally {
    x.dispose();
    for (const v of vars.values()) v.dispose();
  }
}

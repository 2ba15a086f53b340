import { abortPoint, sampleSeed } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';
import { PgdVariant } from './pgd-variant';

/** How `runPgd` attacks: the ball, the steps, the start, the input bounds and the seed. */
export interface PgdSettings {
  eps: number;
  steps: number;
  /** Absolute step size (foolbox: relStepsize * eps, or absStepsize). */
  stepSize: number;
  randomStart: boolean;
  bounds: [number, number];
  /** The node's seed; each sample's random start is drawn from sampleSeed(seed, firstSample + row). */
  seed: number;
  /** The index in the whole dataset of the batch's first row (default 0). */
  firstSample?: number;
  /** Samples per gradient computation (memory bound); per-sample losses make chunking exact. Default: all. */
  gradientBatch?: number;
  /** Checked between steps (which also lets an abort through): a long attack stops within one step. */
  signal?: AbortSignal;
}

/** A per-sample loss of inputs x, which are rows [start, start + x.shape[0]) of the attacked batch. */
export type RowLoss = (x: tf.Tensor4D, start: number) => tf.Tensor1D;

/** d sum(loss) / dx, computed over chunks of rows when `chunk` is smaller than the batch. */
export function inputGradient(loss: RowLoss, x: tf.Tensor4D, chunk = x.shape[0]): tf.Tensor4D {
  const gradientAt = (start: number) => tf.grad((v: tf.Tensor) => tf.sum(loss(v as tf.Tensor4D, start)));
  if (chunk >= x.shape[0]) return gradientAt(0)(x) as tf.Tensor4D;
  const parts: tf.Tensor[] = [];
  for (let start = 0; start < x.shape[0]; start += chunk) {
    const size = Math.min(chunk, x.shape[0] - start);
    parts.push(tf.tidy(() => gradientAt(start)(tf.slice(x, [start], [size]))));
  }
  const out = tf.concat(parts) as tf.Tensor4D;
  tf.dispose(parts);
  return out;
}

/** Each row's random start from its own seed: the start of a sample does not depend on its batch. */
function randomStarts(variant: PgdVariant, x0: tf.Tensor4D, s: PgdSettings): tf.Tensor4D {
  const rows = tf.split(x0, x0.shape[0]) as tf.Tensor4D[];
  return tf.concat(
    rows.map((row, r) => variant.randomStart(row, s.eps, sampleSeed(s.seed, (s.firstSample ?? 0) + r))),
  ) as tf.Tensor4D;
}

/**
 * Projected gradient ascent on sum(loss(x)) from x0; returns the last iterate (foolbox semantics),
 * inside the eps-ball and the bounds. Only input gradients are computed: tf.grad differentiates x alone.
 * The loss must be per sample (no batch statistics), which also makes `gradientBatch` chunking exact.
 * @example const xAdv = await runPgd(pgdLinf, (x) => objective(net, x, batch), x0, { eps: 8 / 255, steps: 20, stepSize: 0.7 * 8 / 255, randomStart: true, bounds: [0, 1], seed: 1 });
 */
export async function runPgd(
  variant: PgdVariant,
  loss: RowLoss,
  x0: tf.Tensor4D,
  s: PgdSettings,
): Promise<tf.Tensor4D> {
  const clip = (x: tf.Tensor4D) => tf.clipByValue(x, s.bounds[0], s.bounds[1]) as tf.Tensor4D;
  let x = s.randomStart ? tf.tidy(() => clip(randomStarts(variant, x0, s))) : tf.clone(x0);
  try {
    for (let step = 0; step < s.steps; step++) {
      if (s.signal) await abortPoint(s.signal);
      const next = tf.tidy(() => {
        const moved = tf.add(
          x,
          tf.mul(variant.direction(inputGradient(loss, x, s.gradientBatch)), s.stepSize),
        ) as tf.Tensor4D;
        return clip(variant.project(moved, x0, s.eps));
      });
      x.dispose();
      x = next;
    }
  } catch (e) {
    x.dispose();
    throw e;
  }
  return x;
}

import { abortPoint } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';
import { inputGradient, RowLoss } from '../gradients/input-gradient';
import { perSampleStarts } from '../restarts/per-sample-starts';
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
  let x = s.randomStart
    ? tf.tidy(() => clip(perSampleStarts(variant.randomStart, x0, s.eps, s.seed, s.firstSample)))
    : tf.clone(x0);
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

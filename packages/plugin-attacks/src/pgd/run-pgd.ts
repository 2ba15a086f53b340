import * as tf from '@tensorflow/tfjs-core';
import { PgdVariant } from './pgd-variant';

export interface PgdSettings {
  eps: number;
  steps: number;
  /** Absolute step size (foolbox: relStepsize * eps, or absStepsize). */
  stepSize: number;
  randomStart: boolean;
  bounds: [number, number];
  seed: number;
}

/**
 * Projected gradient ascent on sum(loss(x)) from x0; returns the last iterate (foolbox semantics),
 * inside the eps-ball and the bounds. Only input gradients are computed: tf.grad differentiates x alone.
 * @example const xAdv = runPgd(pgdLinf, (x) => objective(net, x, batch), x0, { eps: 8 / 255, steps: 20, stepSize: 0.7 * 8 / 255, randomStart: true, bounds: [0, 1], seed: 1 });
 */
export function runPgd(variant: PgdVariant, loss: (x: tf.Tensor4D) => tf.Tensor1D, x0: tf.Tensor4D, s: PgdSettings): tf.Tensor4D {
  const clip = (x: tf.Tensor4D) => tf.clipByValue(x, s.bounds[0], s.bounds[1]) as tf.Tensor4D;
  const gradient = tf.grad((x: tf.Tensor) => tf.sum(loss(x as tf.Tensor4D)));
  let x = s.randomStart ? tf.tidy(() => clip(variant.randomStart(x0, s.eps, s.seed))) : tf.clone(x0);
  for (let step = 0; step < s.steps; step++) {
    const next = tf.tidy(() => {
      const moved = tf.add(x, tf.mul(variant.direction(gradient(x) as tf.Tensor4D), s.stepSize)) as tf.Tensor4D;
      return clip(variant.project(moved, x0, s.eps));
    });
    x.dispose();
    x = next;
  }
  return x;
}

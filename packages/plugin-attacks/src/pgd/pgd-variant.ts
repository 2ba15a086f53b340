import * as tf from '@tensorflow/tfjs-core';

/** What distinguishes PGD under one norm: where it starts, how it steps, how it projects (foolbox's split). */
export interface PgdVariant {
  norm: 'linf' | 'l2';
  /** A uniformly random point of the eps-ball around x0 (before clipping to the bounds). */
  randomStart(x0: tf.Tensor4D, eps: number, seed: number): tf.Tensor4D;
  /** The step direction from the loss gradient. */
  direction(grad: tf.Tensor4D): tf.Tensor4D;
  /** Back into the eps-ball around x0. */
  project(x: tf.Tensor4D, x0: tf.Tensor4D, eps: number): tf.Tensor4D;
}

/** Per-sample L2 norm of a batch, shaped [B, 1, 1, 1] for broadcasting. */
export function sampleNorms(t: tf.Tensor4D): tf.Tensor4D {
  return tf.sqrt(tf.sum(tf.square(t), [1, 2, 3], true)) as tf.Tensor4D;
}

import * as tf from '@tensorflow/tfjs-core';

/**
 * What distinguishes PGD under one norm (foolbox's split): its name, where it starts, how it steps, how
 * it projects. `pgdPlugin(variant)` makes the attack plugin `attack/pgd-<name>` from it, so a new norm is
 * one file and a registration line (`pluginModule([pgdPlugin(myVariant)])`).
 */
export interface PgdVariant {
  /** The plugin's name is `pgd-<name>` (e.g. 'linf'). */
  name: string;
  /** The norm of the ball, as results and bounds name it ('linf', 'l2', 'l1'). */
  norm: string;
  /** The dual norm ('l1' for linf, 'l2' for l2, 'linf' for l1): the norm a linear bound over the ball takes of its weights. */
  dualNorm: string;
  /** How the norm is written for people ('Linf'). */
  label: string;
  /** The plugin's version: part of every cache key, so bump it when this variant's outputs change. */
  version: string;
  /** The step size as a multiple of eps when params give none. */
  defaultRelStepsize: number;
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

import * as tf from '@tensorflow/tfjs-core';
import { PgdVariant } from './pgd-variant';

/** Linf-PGD: start x0 + U(-eps, eps); step along sign(grad); clip to [x0 - eps, x0 + eps]. */
export const pgdLinf: PgdVariant = {
  norm: 'linf',
  randomStart: (x0, eps, seed) => tf.add(x0, tf.randomUniform(x0.shape, -eps, eps, 'float32', seed)),
  direction: (grad) => tf.sign(grad),
  project: (x, x0, eps) => tf.minimum(tf.maximum(x, tf.sub(x0, eps)), tf.add(x0, eps)),
};

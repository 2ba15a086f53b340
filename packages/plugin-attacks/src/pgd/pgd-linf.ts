import * as tf from '@tensorflow/tfjs-core';
import { PgdVariant } from './pgd-variant';

/** Linf-PGD: start x0 + U(-eps, eps); step along sign(grad); clip to [x0 - eps, x0 + eps]. */
export const pgdLinf: PgdVariant = {
  name: 'linf',
  norm: 'linf',
  dualNorm: 'l1',
  label: 'Linf',
  // 1.1.0: results name their norm; the sign step is exact on wasm (it had a dead zone below 1.2e-7);
  // random starts are drawn per sample (from the node's seed and the sample's index)
  version: '1.1.0',
  defaultRelStepsize: 0.7, // the paper's setting (foolbox's LinfPGD: 0.01/0.3)
  randomStart: (x0, eps, seed) => tf.add(x0, tf.randomUniform(x0.shape, -eps, eps, 'float32', seed)),
  direction: (grad) => tf.sign(grad),
  project: (x, x0, eps) => tf.minimum(tf.maximum(x, tf.sub(x0, eps)), tf.add(x0, eps)),
};

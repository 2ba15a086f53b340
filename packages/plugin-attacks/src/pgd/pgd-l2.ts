import * as tf from '@tensorflow/tfjs-core';
import { PgdVariant, sampleNorms } from './pgd-variant';

/**
 * L2-PGD: start x0 + eps u with u uniform in the unit ball (direction normal/|normal|, radius U^(1/d));
 * step along grad / max(|grad|, 1e-12); project by scaling x - x0 down to norm eps when larger.
 */
export const pgdL2: PgdVariant = {
  name: 'l2',
  norm: 'l2',
  dualNorm: 'l2',
  label: 'L2',
  version: '1.1.0', // as pgd-linf
  defaultRelStepsize: 0.1,
  randomStart(x0, eps, seed) {
    const d = x0.size / x0.shape[0];
    const normal = tf.randomNormal(x0.shape, 0, 1, 'float32', seed) as tf.Tensor4D;
    const radius = tf.pow(tf.randomUniform([x0.shape[0], 1, 1, 1], 0, 1, 'float32', seed + 1), 1 / d);
    return tf.add(x0, tf.mul(tf.div(normal, sampleNorms(normal)), tf.mul(radius, eps)));
  },
  direction: (grad) => tf.div(grad, tf.maximum(sampleNorms(grad), 1e-12)),
  project(x, x0, eps) {
    const delta = tf.sub(x, x0) as tf.Tensor4D;
    const factor = tf.minimum(1, tf.div(eps, tf.maximum(sampleNorms(delta), 1e-12)));
    return tf.add(x0, tf.mul(delta, factor));
  },
};

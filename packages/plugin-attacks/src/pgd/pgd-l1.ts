import * as tf from '@tensorflow/tfjs-core';
import { PgdVariant } from './pgd-variant';

/** Per-sample L1 norm of a batch, shaped [B, 1, 1, 1] for broadcasting. */
function sampleL1(t: tf.Tensor4D): tf.Tensor4D {
  return tf.sum(tf.abs(t), [1, 2, 3], true) as tf.Tensor4D;
}

/**
 * The Euclidean projection of each row of `v` ([B, d]) onto the L1 ball of radius eps, exactly (Duchi et
 * al., ICML 2008): soft-thresholding at theta = (c_rho - eps) / rho, where u is |v| sorted descending, c its
 * running sum and rho the largest j with u_j > (c_j - eps) / j. Rows inside the ball stay as they are.
 */
export function projectL1Ball(v: tf.Tensor2D, eps: number): tf.Tensor2D {
  return tf.tidy(() => {
    const d = v.shape[1];
    const u = tf.topk(tf.abs(v), d).values;
    const c = tf.cumsum(u, 1);
    const j = tf.range(1, d + 1, 1, 'float32');
    const thresholds = tf.div(tf.sub(c, eps), j);
    const rho = tf.sum(tf.cast(tf.greater(u, thresholds), 'int32'), 1);
    const one = tf.scalar(1, 'int32');
    const theta = tf.sum(tf.mul(thresholds, tf.oneHot(tf.sub(tf.maximum(rho, one), one) as tf.Tensor1D, d)), 1, true);
    const shrunk = tf.mul(tf.sign(v), tf.relu(tf.sub(tf.abs(v), theta)));
    return tf.where(tf.lessEqual(tf.sum(tf.abs(v), 1, true), eps), v, shrunk) as tf.Tensor2D;
  });
}

/**
 * L1-PGD, plain (not foolbox's SparseL1, which steps along the top-q percentile of the gradient): start
 * uniformly in the L1 ball (exponential spacings with random signs), step along grad / ||grad||_1, project
 * exactly onto the L1 ball (`projectL1Ball`). Not registered as a plugin: it shows that a norm is one file
 * (`pgdPlugin(pgdL1)` makes `attack/pgd-l1`), and bounds check its ball like any other.
 */
export const pgdL1: PgdVariant = {
  name: 'l1',
  norm: 'l1',
  dualNorm: 'linf',
  label: 'L1',
  version: '1.0.0',
  defaultRelStepsize: 0.1,
  randomStart(x0, eps, seed) {
    return tf.tidy(() => {
      const [b, d] = [x0.shape[0], x0.size / x0.shape[0]];
      const spacings = tf.neg(tf.log(tf.randomUniform([b, d + 1], 1e-12, 1, 'float32', seed)));
      const point = tf.div(tf.slice(spacings, [0, 0], [b, d]), tf.sum(spacings, 1, true));
      const signs = tf.sign(tf.sub(tf.randomUniform([b, d], 0, 1, 'float32', seed + 1), 0.5));
      return tf.add(x0, tf.reshape(tf.mul(tf.mul(point, signs), eps), x0.shape)) as tf.Tensor4D;
    });
  },
  direction: (grad) => tf.div(grad, tf.maximum(sampleL1(grad), 1e-12)),
  project(x, x0, eps) {
    return tf.tidy(() => {
      const flat = tf.reshape(tf.sub(x, x0), [x.shape[0], -1]) as tf.Tensor2D;
      return tf.add(x0, tf.reshape(projectL1Ball(flat, eps), x.shape)) as tf.Tensor4D;
    });
  },
};

import * as tf from '@tensorflow/tfjs-core';
import { sampleNorms } from '../pgd/pgd-variant';
import { pgdLinf } from '../pgd/pgd-linf';

/** What APGD does differently under one norm: its start, its step direction and its projection. */
export interface ApgdNorm {
  /** The plugin's name is `apgd-<name>`. */
  name: string;
  /** The norm of the ball, as results and bounds name it. */
  norm: string;
  label: string;
  /** The plugin's version: part of every cache key, so bump it when this norm's outputs change. */
  version: string;
  /** A random start on the ball's boundary: x0 + eps t / (||t|| + 1e-12), t as the reference draws it. */
  randomStart(x0: tf.Tensor4D, eps: number, seed: number): tf.Tensor4D;
  /** The step direction from the loss gradient. */
  direction(grad: tf.Tensor4D): tf.Tensor4D;
  /** Back into the eps-ball around x0. */
  project(x: tf.Tensor4D, x0: tf.Tensor4D, eps: number): tf.Tensor4D;
}

/** Per-sample max |t|, shaped [B, 1, 1, 1]. */
const sampleMaxAbs = (t: tf.Tensor4D) => tf.max(tf.abs(t), [1, 2, 3], true) as tf.Tensor4D;

/** Linf-APGD: start x0 + eps t / max|t| with t ~ U(-1, 1); step along sign(grad); clip to the box. */
export const apgdLinf: ApgdNorm = {
  name: 'linf',
  norm: 'linf',
  label: 'Linf',
  version: '1.0.0',
  randomStart(x0, eps, seed) {
    const t = tf.sub(tf.mul(tf.randomUniform(x0.shape, 0, 1, 'float32', seed), 2), 1) as tf.Tensor4D;
    return tf.add(x0, tf.mul(tf.div(t, tf.add(sampleMaxAbs(t), 1e-12)), eps));
  },
  direction: pgdLinf.direction,
  project: pgdLinf.project,
};

/** L2-APGD: start on the sphere along t ~ N(0, I); step along grad / (||grad|| + 1e-12); radial projection. */
export const apgdL2: ApgdNorm = {
  name: 'l2',
  norm: 'l2',
  label: 'L2',
  version: '1.0.0',
  randomStart(x0, eps, seed) {
    const t = tf.randomNormal(x0.shape, 0, 1, 'float32', seed) as tf.Tensor4D;
    return tf.add(x0, tf.mul(tf.div(t, tf.add(sampleNorms(t), 1e-12)), eps));
  },
  direction: (grad) => tf.div(grad, tf.add(sampleNorms(grad), 1e-12)),
  project(x, x0, eps) {
    const delta = tf.sub(x, x0) as tf.Tensor4D;
    const norms = sampleNorms(delta);
    return tf.add(x0, tf.mul(tf.div(delta, tf.add(norms, 1e-12)), tf.minimum(norms, eps)));
  },
};

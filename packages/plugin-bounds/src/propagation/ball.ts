import { RtlabError } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';

/** The set inputs are bounded over: the eps-ball around x0 in Linf or L2 (Linf: intersected with the input bounds). */
export interface Ball {
  norm: 'linf' | 'l2';
  eps: number;
  x0: tf.Tensor4D;
  bounds: [number, number];
}

/** The norm of a ball a bound supports; throws naming the ones it does. */
export function boundNorm(norm: string): Ball['norm'] {
  if (norm !== 'linf' && norm !== 'l2')
    throw new RtlabError('input', `bounds support the linf and l2 balls, not "${norm}"`);
  return norm;
}

/** The Linf box [max(x0 - eps, lo), min(x0 + eps, hi)]. */
export function inputBox(ball: Ball): { lower: tf.Tensor; upper: tf.Tensor } {
  return tf.tidy(() => ({
    lower: tf.maximum(tf.sub(ball.x0, ball.eps), ball.bounds[0]),
    upper: tf.minimum(tf.add(ball.x0, ball.eps), ball.bounds[1]),
  }));
}

/**
 * max over the ball of A x, per row: A [N * S, ...input] with S rows per sample. Linf: sum(A+ u + A- l)
 * over the box; L2: A x0 + eps ||A||_2 (the dual norm; the input bounds are not used, which is sound).
 */
export function maximumOverBall(A: tf.Tensor, ball: Ball, samples: number): tf.Tensor1D {
  return tf.tidy(() => {
    const perSample = tf.reshape(A, [samples, -1, ...ball.x0.shape.slice(1)]);
    const axes = [2, 3, 4];
    if (ball.norm === 'linf') {
      const box = inputBox(ball);
      const [lo, hi] = [tf.expandDims(box.lower, 1), tf.expandDims(box.upper, 1)];
      const value = tf.add(tf.mul(tf.relu(perSample), hi), tf.mul(tf.neg(tf.relu(tf.neg(perSample))), lo));
      return tf.reshape(tf.sum(value, axes), [-1]) as tf.Tensor1D;
    }
    const center = tf.sum(tf.mul(perSample, tf.expandDims(ball.x0, 1)), axes);
    const norms = tf.sqrt(tf.sum(tf.square(perSample), axes));
    return tf.reshape(tf.add(center, tf.mul(norms, ball.eps)), [-1]) as tf.Tensor1D;
  });
}

import * as tf from '@tensorflow/tfjs-core';
import { BatchNormMode } from './batch-norm-mode';

/** A network's weights by name, as layers read them. */
export type Params = (name: string) => tf.Tensor;

const EPS = 1e-5;

/** Convolution + bias, unfused: the fused op's gradient would compute filter gradients in attacks too. */
export type Padding = Parameters<typeof tf.conv2d>[3];

export function conv(p: Params, name: string, x: tf.Tensor4D, stride: number, pad: Padding, bias = true): tf.Tensor4D {
  const y = tf.conv2d(x, p(`${name}.weight`) as tf.Tensor4D, stride, pad);
  return bias ? tf.add(y, p(`${name}.bias`)) : y;
}

/** x [N, in] @ weight [in, out] + bias. */
export function dense(p: Params, name: string, x: tf.Tensor2D): tf.Tensor2D {
  return tf.add(tf.matMul(x, p(`${name}.weight`) as tf.Tensor2D), p(`${name}.bias`));
}

/**
 * Batch norm over every axis but the last (PyTorch BatchNorm1d/2d semantics): batch statistics with the
 * biased variance in training, running statistics otherwise. Written with broadcasting ops rather than
 * tf.batchNorm, whose gradient tiles its statistics to the input's full shape.
 */
export function batchNorm<T extends tf.Tensor>(p: Params, name: string, x: T, mode: BatchNormMode, eps = EPS): T {
  const gamma = p(`${name}.weight`);
  const beta = p(`${name}.bias`);
  if (!mode.training) {
    const scale = tf.mul(gamma, tf.rsqrt(tf.add(p(`${name}.running_var`), eps)));
    return tf.add(tf.mul(x, scale), tf.sub(beta, tf.mul(p(`${name}.running_mean`), scale))) as T;
  }
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  if (mode.updates) {
    const count = x.size / x.shape[x.shape.length - 1];
    mode.updates.push({ name, mean: tf.keep(mean), variance: tf.keep(variance), count });
  }
  return tf.add(tf.mul(tf.sub(x, mean), tf.mul(gamma, tf.rsqrt(tf.add(variance, eps)))), beta) as T;
}

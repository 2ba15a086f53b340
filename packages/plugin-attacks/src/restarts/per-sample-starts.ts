import { sampleSeed } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';

/** A random point of a ball around one row x0 [1, H, W, C], drawn from `seed`. */
export type StartDraw = (x0: tf.Tensor4D, eps: number, seed: number) => tf.Tensor4D;

/**
 * Each row's random start from its own seed, sampleSeed(seed, firstSample + row): the start of a sample
 * does not depend on its batch, its shard or its worker.
 */
export function perSampleStarts(
  draw: StartDraw,
  x0: tf.Tensor4D,
  eps: number,
  seed: number,
  firstSample = 0,
): tf.Tensor4D {
  return tf.tidy(() => {
    const rows = tf.split(x0, x0.shape[0]) as tf.Tensor4D[];
    return tf.concat(rows.map((row, r) => draw(row, eps, sampleSeed(seed, firstSample + r)))) as tf.Tensor4D;
  });
}

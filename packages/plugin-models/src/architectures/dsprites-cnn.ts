import { SeededRng } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';
import { BatchNormMode } from '../network/batch-norm-mode';
import { initBatchNorm, initConv, initDense } from '../network/init';
import { batchNorm, conv, dense, Params } from '../network/layers';
import { Architecture } from './architecture';
import { GraphBuilder } from '../graph/graph-builder';

/**
 * The dSprites network of the paper's Tab. 6 (64x64x1 -> 84): conv 6@5x5, ReLU, avg-pool 2, BN;
 * conv 16@5x5, ReLU, avg-pool 2, BN; dense 120, 84, 84, each ReLU + BN. g is the last 84-d output.
 * Flattening is NHWC (H, W, C), unlike PyTorch's C, H, W.
 */
export const dspritesCnn: Architecture = {
  name: 'dsprites-cnn',
  inputShape: [64, 64, 1],
  featureDim: 84,
  init: (rng: SeededRng) => ({
    ...initConv('c1', 5, 5, 1, 6, rng),
    ...initBatchNorm('b1', 6),
    ...initConv('c2', 5, 5, 6, 16, rng),
    ...initBatchNorm('b2', 16),
    ...initDense('f1', 16 * 13 * 13, 120, rng),
    ...initBatchNorm('b3', 120),
    ...initDense('f2', 120, 84, rng),
    ...initBatchNorm('b4', 84),
    ...initDense('f3', 84, 84, rng),
    ...initBatchNorm('b5', 84),
  }),
  features(p: Params, x: tf.Tensor4D, bn: BatchNormMode): tf.Tensor2D {
    let h = batchNorm(p, 'b1', tf.avgPool(tf.relu(conv(p, 'c1', x, 1, 'valid')), 2, 2, 'valid'), bn);
    h = batchNorm(p, 'b2', tf.avgPool(tf.relu(conv(p, 'c2', h, 1, 'valid')), 2, 2, 'valid'), bn);
    let f = tf.reshape(h, [h.shape[0], -1]) as tf.Tensor2D;
    for (const [d, b] of [
      ['f1', 'b3'],
      ['f2', 'b4'],
      ['f3', 'b5'],
    ])
      f = batchNorm(p, b, tf.relu(dense(p, d, f)), bn);
    return f;
  },
  graph(p: Params) {
    const b = new GraphBuilder(p);
    let h = b.batchNorm(b.avgPool(b.relu(b.conv(b.input, 'c1', 1, 'valid')), 2, 2), 'b1');
    h = b.flatten(b.batchNorm(b.avgPool(b.relu(b.conv(h, 'c2', 1, 'valid')), 2, 2), 'b2'));
    for (const [d, n] of [
      ['f1', 'b3'],
      ['f2', 'b4'],
      ['f3', 'b5'],
    ])
      h = b.batchNorm(b.relu(b.dense(h, d)), n);
    return b.build();
  },
};

import * as tf from '@tensorflow/tfjs-core';
import { RtlabError } from '@rtlab/sdk';
import { Objective } from './objective';

/**
 * Croce and Hein's difference of logits ratio per sample, -(z_y - max_{j != y} z_j) / (z_pi1 - z_pi3 + 1e-12)
 * with z sorted descending (z_pi1 >= z_pi2 >= z_pi3): invariant to shifting and scaling the logits, so
 * it does not saturate where the cross-entropy's gradient vanishes. Needs labels and 3 classes or more.
 */
export const dlr: Objective = (net, x, batch) => {
  if (!batch.labels) throw new RtlabError('input', 'the dlr objective needs class labels');
  if (net.meta.outputs < 3)
    throw new RtlabError(
      'input',
      `the dlr objective needs 3 classes or more, the model's head has ${net.meta.outputs}`,
    );
  return dlrLoss(net.logits(x), batch.labels);
};

/** A large number subtracted from a logit to take it out of a max (exact where it matters: the others). */
const OUT = 1e9;

/**
 * The DLR loss of logits [B, k] at labels [B] (int32). The three largest logits come from max and argmax
 * (ops with gradients in tfjs: topk and equal have none), which take the reference's sort apart.
 */
export function dlrLoss(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const k = logits.shape[1];
    const without = (z: tf.Tensor2D) =>
      tf.sub(z, tf.mul(tf.cast(tf.oneHot(tf.argMax(z, 1), k), 'float32'), OUT)) as tf.Tensor2D;
    const rest = without(logits);
    const [first, second, third] = [tf.max(logits, 1), tf.max(rest, 1), tf.max(without(rest), 1)];
    const trueLogit = tf.sum(tf.mul(logits, tf.cast(tf.oneHot(labels, k), 'float32')), 1);
    const bestOther = tf.where(tf.greaterEqual(trueLogit, first), second, first);
    return tf.neg(tf.div(tf.sub(trueLogit, bestOther), tf.add(tf.sub(first, third), 1e-12))) as tf.Tensor1D;
  });
}

import * as tf from '@tensorflow/tfjs-core';

/**
 * The k - 1 margins f_y - f_j (j != y) of a linear head as specifications on g: rows W_y - W_j [N, k - 1, m]
 * and offsets b_y - b_j [N, k - 1], from the head W [k, m], b [k] and labels [N].
 */
export function marginSpecification(
  W: tf.Tensor2D,
  b: tf.Tensor1D,
  labels: Int32Array,
): { C: tf.Tensor3D; d: tf.Tensor2D } {
  const k = W.shape[0];
  const others = Array.from(labels, (y) => [...Array(k).keys()].filter((j) => j !== y));
  return tf.tidy(() => {
    const y = tf.tensor1d(
      Array.from(labels).flatMap((v) => Array(k - 1).fill(v)),
      'int32',
    );
    const j = tf.tensor1d(others.flat(), 'int32');
    const C = tf.reshape(tf.sub(tf.gather(W, y), tf.gather(W, j)), [labels.length, k - 1, W.shape[1]]) as tf.Tensor3D;
    const d = tf.reshape(tf.sub(tf.gather(b, y), tf.gather(b, j)), [labels.length, k - 1]) as tf.Tensor2D;
    return { C, d };
  });
}

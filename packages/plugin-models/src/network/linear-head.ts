import * as tf from '@tensorflow/tfjs-core';

/** The linear head f = W g + b on a batch of features g [N, m], with W [k, m] and b [k]: logits [N, k]. */
export function linearHead(features: tf.Tensor2D, weight: tf.Tensor2D, bias: tf.Tensor): tf.Tensor2D {
  return tf.add(tf.matMul(features, weight, false, true), bias);
}

/**
 * Softmax cross-entropy per sample, -log softmax(logits)_y: the loss probes train and CE attacks raise.
 * @example softmaxCrossEntropy(net.logits(x), labels) // [N]
 */
export function softmaxCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  const onehot = tf.oneHot(labels, logits.shape[1]);
  return tf.neg(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), 1)) as tf.Tensor1D;
}

import * as tf from '@tensorflow/tfjs-core';
import { RtlabError } from '@rtlab/orchestrator';
import { Objective } from './objective';

/** Softmax cross-entropy per sample: -log softmax(f(x'))_y. */
export const crossEntropy: Objective = (net, x, batch) => {
  if (!batch.labels) throw new RtlabError('input', 'the ce objective needs class labels');
  const logits = net.logits(x);
  const onehot = tf.oneHot(batch.labels as tf.Tensor1D, logits.shape[1]);
  return tf.neg(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), 1)) as tf.Tensor1D;
};

import * as tf from '@tensorflow/tfjs-core';
import { softmaxCrossEntropy } from '@rtlab/plugin-models';
import { RtlabError } from '@rtlab/sdk';
import { Objective } from './objective';

/** Softmax cross-entropy per sample: -log softmax(f(x'))_y. */
export const crossEntropy: Objective = (net, x, batch) => {
  if (!batch.labels) throw new RtlabError('input', 'the ce objective needs class labels');
  return softmaxCrossEntropy(net.logits(x), batch.labels as tf.Tensor1D);
};

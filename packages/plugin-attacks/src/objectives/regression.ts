import * as tf from '@tensorflow/tfjs-core';
import { RtlabError } from '@rtlab/sdk';
import { Objective, smoothRowNorm } from './objective';

/** ||f(x') - y||_2 per sample (|f(x') - y| for one output): 1-Lipschitz in f. Not the squared error. */
export const regression: Objective = (net, x, batch) => {
  if (!batch.targets) throw new RtlabError('input', 'the regression objective needs targets');
  const diff = tf.sub(net.logits(x), batch.targets) as tf.Tensor2D;
  return diff.shape[1] === 1 ? (tf.reshape(tf.abs(diff), [-1]) as tf.Tensor1D) : smoothRowNorm(diff);
};

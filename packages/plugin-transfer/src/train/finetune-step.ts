import { BatchNormMode, Network, softmaxCrossEntropy } from '@rtlab/plugin-models';
import * as tf from '@tensorflow/tfjs-core';
import { Optimizer } from '../optim/optimizer';
import { StepResult } from './train-epochs';

/**
 * What one fine-tuning step trains. Batch norm runs in training mode in every phase, as the paper's authors
 * run LP-FT: batch statistics, running statistics updated as PyTorch's (momentum 0.1, unbiased variance).
 */
export interface FinetunePhase {
  /** The variables updated: the head only, or every parameter. */
  part: 'head' | 'all';
}

/** The training loss of logits z: mean cross-entropy against labels, or mean squared error of the single output. */
export function finetuneLoss(z: tf.Tensor2D, y: tf.Tensor1D, task: 'classification' | 'regression'): tf.Scalar {
  return (
    task === 'regression' ? tf.mean(tf.square(tf.sub(tf.reshape(z, [-1]), y))) : tf.mean(softmaxCrossEntropy(z, y))
  ) as tf.Scalar;
}

/**
 * One step on a batch: the loss (mean cross-entropy, or mean squared error of the single output) of the
 * network's logits, its gradient on the phase's variables, the optimiser's update at `lr`, then the
 * batch-norm running statistics of the forward pass. Returns the batch loss and, for a classifier, how
 * many of the batch it classified correctly before the step.
 */
export async function finetuneStep(
  net: Network,
  phase: FinetunePhase,
  optimizer: Optimizer,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  task: 'classification' | 'regression',
  lr: number,
): Promise<StepResult> {
  const bn: BatchNormMode = { training: true, updates: [] };
  const vars = net.trainable(phase.part);
  const [value, correct] = tf.tidy(() => {
    let counted: tf.Scalar = tf.scalar(-1);
    const { value, grads } = tf.variableGrads(() => {
      const z = net.logits(x, bn);
      if (task === 'classification') counted = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(z, 1), y), 'int32')));
      return finetuneLoss(z, y, task);
    }, vars);
    optimizer.step(vars, grads, lr);
    return [value, counted];
  });
  const [loss, right] = await Promise.all([value, correct].map(async (t) => (await t.data())[0]));
  tf.dispose([value, correct]);
  net.applyBatchNormUpdates(bn);
  return right < 0 ? { loss } : { loss, correct: right };
}

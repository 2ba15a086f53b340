import { Artifact, HEAD_BIAS, HEAD_WEIGHT, Plugin, RtlabError } from '@rtlab/sdk';
import { initHead, linearHead, softmaxCrossEntropy } from '@rtlab/plugin-models';
import * as tf from '@tensorflow/tfjs-core';
import { featuresView, FeaturesView, gatherRows } from '../features';
import { makeOptimizer, scheduledRate } from '../optim/make-optimizer';
import { trainEpochs } from '../train/train-epochs';
import { TASK_SCHEMA, TrainingParams, trainingSchema } from './training-params';

/** The params of `probe/linear` (see the plugin's schema). */
export interface ProbeParams extends TrainingParams {
  task: 'regression' | 'classification';
  target?: string;
}

/** The column of `target` ([N, 1]) or the labels, checked against the features. */
function answers(f: FeaturesView, p: ProbeParams): { y: Float32Array | Int32Array; outputs: number } {
  if (p.task === 'classification') {
    if (!f.labels || !f.classes.length)
      throw new RtlabError('input', 'classification probing needs labelled features (the dataset has no classes)');
    return { y: f.labels, outputs: f.classes.length };
  }
  const j = f.factors.indexOf(p.target ?? '');
  if (j < 0 || !f.targets)
    throw new RtlabError(
      'input',
      `regression probing needs params.target, one of: ${f.factors.join(', ') || '(none)'}; got ${p.target}`,
    );
  return { y: Float32Array.from({ length: f.count }, (_, i) => f.targets![i * f.factors.length + j]), outputs: 1 };
}

/** `probe/linear`: a new head W, b trained on the cached features of a frozen g (LP). */
export const probeLinearPlugin: Plugin<ProbeParams> = {
  kind: 'probe',
  name: 'linear',
  version: '1.1.0', // 1.1.0: per-epoch loss (and accuracy) in meta.training
  description:
    'Linear probing: trains a new head f = W g + b on cached features of a frozen representation (squared error for regression, cross-entropy for classification).',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['task'],
    if: TASK_SCHEMA.if,
    then: TASK_SCHEMA.then,
    properties: {
      ...TASK_SCHEMA.properties,
      ...trainingSchema({ epochs: 10, batchSize: 1000, optimizer: 'adam', lr: 0.001 }),
    },
  },
  inputs: {
    model: { type: 'Model', description: 'the representation g' },
    features: { type: 'Features', description: 'g(x) of the training data' },
  },
  output: 'Model',
  async run(inputs, p, ctx): Promise<Artifact> {
    const model = inputs.model as Artifact;
    const f = featuresView(inputs.features as Artifact);
    const { y, outputs } = answers(f, p);
    const init = initHead(f.dim, outputs, ctx.rng);
    const W = tf.tidy(() => tf.variable(tf.tensor2d(init[HEAD_WEIGHT].data, [outputs, f.dim])));
    const b = tf.tidy(() => tf.variable(tf.tensor1d(init[HEAD_BIAS].data as Float32Array)));
    const optimizer = makeOptimizer({ kind: p.optimizer, momentum: p.momentum, weightDecay: p.weightDecay });
    try {
      const loss = (x: tf.Tensor2D, target: tf.Tensor) => {
        const z = linearHead(x, W, b);
        return p.task === 'regression'
          ? tf.mean(tf.square(tf.sub(tf.reshape(z, [-1]), target)))
          : tf.mean(softmaxCrossEntropy(z, target as tf.Tensor1D));
      };
      const training = await trainEpochs(
        {
          epochs: p.epochs,
          count: f.count,
          batchSize: p.batchSize,
          step: async (idx, t, total) => {
            const value = tf.tidy(() => {
              const x = tf.tensor2d(gatherRows(f.features, f.dim, idx), [idx.length, f.dim]);
              const target =
                p.task === 'regression'
                  ? tf.tensor1d(Float32Array.from(idx, (i) => y[i]))
                  : tf.tensor1d(
                      Int32Array.from(idx, (i) => y[i]),
                      'int32',
                    );
              const correct =
                p.task === 'regression'
                  ? tf.scalar(-1)
                  : tf.sum(tf.cast(tf.equal(tf.argMax(linearHead(x, W, b), 1), target), 'int32'));
              const { value, grads } = tf.variableGrads(() => loss(x, target) as tf.Scalar, [W, b]);
              optimizer.step([W, b], grads, scheduledRate(p.lr, p.schedule, t, total));
              return [value, correct];
            });
            const [batchLoss, correct] = await Promise.all(value.map(async (v) => (await v.data())[0]));
            tf.dispose(value);
            return correct < 0 ? { loss: batchLoss } : { loss: batchLoss, correct };
          },
        },
        ctx,
      );
      const head = {
        [HEAD_WEIGHT]: { dtype: 'float32' as const, shape: [outputs, f.dim], data: (await W.data()) as Float32Array },
        [HEAD_BIAS]: { dtype: 'float32' as const, shape: [outputs], data: (await b.data()) as Float32Array },
      };
      const task: Artifact['meta'] =
        p.task === 'regression' ? { task: p.task, target: p.target! } : { task: p.task, classes: f.classes };
      return {
        type: 'Model',
        meta: { ...model.meta, ...task, outputs, probe: 'linear', trainLoss: training.loss.at(-1)!, training },
        tensors: { ...model.tensors, ...head },
      };
    } finally {
      optimizer.dispose();
      tf.dispose([W, b]);
    }
  },
};

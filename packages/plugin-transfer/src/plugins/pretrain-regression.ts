import {
  abortPoint,
  Artifact,
  batchRanges,
  datasetView,
  DatasetView,
  HEAD_BIAS,
  HEAD_WEIGHT,
  imageBatch,
  imageRows,
  Plugin,
  PluginContext,
  targetColumn,
} from '@rtlab/sdk';
import { pgdLinf, runPgd } from '@rtlab/plugin-attacks';
import { BatchNormMode, initHead, Network } from '@rtlab/plugin-models';
import * as tf from '@tensorflow/tfjs-core';
import { makeOptimizer, scheduledRate } from '../optim/make-optimizer';
import { TrainingHistory, trainEpochs } from '../train/train-epochs';
import { TrainingParams, trainingSchema } from './training-params';

/** The params of `pretrain/regression` (see the plugin's schema). */
export interface PretrainParams extends TrainingParams {
  target: string;
  mode: 'random' | 'standard' | 'adversarial';
  calibrateBatchNorm: boolean;
  adversarial: { eps: number; steps: number; relStepsize: number };
}

/** Per-sample squared error of the head on g(x) with batch norm in training mode (no running-stat updates). */
function squaredError(net: Network, x: tf.Tensor4D, y: tf.Tensor2D, bn: BatchNormMode): tf.Tensor1D {
  return tf.reshape(tf.square(tf.sub(net.head(net.features(x, bn)), y)), [-1]) as tf.Tensor1D;
}

async function train(net: Network, data: DatasetView, p: PretrainParams, ctx: PluginContext): Promise<TrainingHistory> {
  const targets = targetColumn(data, p.target);
  const [h, w, c] = data.imageShape;
  const vars = net.trainable('all');
  const optimizer = makeOptimizer({ kind: p.optimizer, momentum: p.momentum, weightDecay: p.weightDecay });
  try {
    return await trainEpochs(
      {
        epochs: p.epochs,
        count: data.count,
        batchSize: p.batchSize,
        step: async (idx, t, total) => {
          const bn: BatchNormMode = { training: true, updates: [] };
          const clean = tf.tensor4d(imageRows(data, idx), [idx.length, h, w, c]);
          const y = tf.tensor2d(
            Float32Array.from(idx, (i) => targets[i]),
            [idx.length, 1],
          );
          try {
            const x =
              p.mode === 'adversarial'
                ? await adversarialInputs(net, clean, y, p.adversarial, (ctx.seed + t) >>> 0, ctx.signal)
                : clean;
            const value = tf.tidy(() => {
              const { value, grads } = tf.variableGrads(() => tf.mean(squaredError(net, x, y, bn)) as tf.Scalar, vars);
              optimizer.step(vars, grads, scheduledRate(p.lr, p.schedule, t, total));
              return value;
            });
            const loss = (await value.data())[0];
            value.dispose();
            if (x !== clean) x.dispose();
            net.applyBatchNormUpdates(bn);
            return { loss };
          } finally {
            tf.dispose([clean, y]);
          }
        },
      },
      ctx,
    );
  } finally {
    optimizer.dispose();
  }
}

/** Linf-PGD on the squared error with batch norm in training mode, as adversarial pretraining trains on. */
function adversarialInputs(
  net: Network,
  x: tf.Tensor4D,
  y: tf.Tensor2D,
  a: PretrainParams['adversarial'],
  seed: number,
  signal: AbortSignal,
): Promise<tf.Tensor4D> {
  const attack = (xa: tf.Tensor4D) => squaredError(net, xa, y, { training: true });
  return runPgd(pgdLinf, attack, x, {
    eps: a.eps,
    steps: a.steps,
    stepSize: a.relStepsize * a.eps,
    randomStart: true,
    bounds: [0, 1],
    seed,
    signal,
  });
}

/**
 * Estimates batch-norm running statistics with one pass over the data, weights unchanged (the exact
 * mean of the batch statistics: PyTorch's momentum=None). Without it an untrained network's BN is the
 * identity in inference mode, and default-initialised layers shrink the signal to near-constant features.
 */
async function calibrateBatchNorm(
  net: Network,
  data: DatasetView,
  batchSize: number,
  ctx: PluginContext,
): Promise<void> {
  const [h, w, c] = data.imageShape;
  for (const [k, [start, end]] of batchRanges(data.count, batchSize).entries()) {
    await abortPoint(ctx.signal);
    const bn: BatchNormMode = { training: true, updates: [] };
    tf.tidy(() => {
      net.features(tf.tensor4d(imageBatch(data, start, end), [end - start, h, w, c]), bn);
    });
    net.applyBatchNormUpdates(bn, 1 / (k + 1));
    ctx.progress(end, data.count, 'batch-norm statistics');
  }
}

/**
 * `pretrain/regression`: trains g and a 1-output head to regress one factor (squared error, Adam,
 * batch norm updated), on clean inputs ("standard") or on Linf-PGD inputs ("adversarial");
 * "random" returns the untrained network (its batch-norm statistics estimated on the data by default).
 */
export const pretrainRegressionPlugin: Plugin<PretrainParams> = {
  kind: 'pretrain',
  name: 'regression',
  version: '1.2.0', // 1.1.0: adversarial mode's Linf step is exact on wasm; 1.2.0: per-epoch loss in meta.training
  description:
    'Pretrains a representation by regressing one factor: random (untrained), standard, or adversarial (Linf-PGD on the squared error during training).',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['target', 'mode'],
    properties: {
      target: { type: 'string', description: 'Factor regressed during pretraining, e.g. "orientation".' },
      mode: {
        enum: ['random', 'standard', 'adversarial'],
        description: 'random: untrained; standard: clean inputs; adversarial: PGD inputs.',
      },
      calibrateBatchNorm: {
        type: 'boolean',
        default: true,
        description:
          'random mode: estimate batch-norm statistics on the data (weights unchanged); false keeps the initial identity statistics.',
      },
      adversarial: {
        type: 'object',
        additionalProperties: false,
        default: {},
        description: 'Linf-PGD used in adversarial mode.',
        properties: {
          eps: {
            type: 'number',
            exclusiveMinimum: 0,
            default: 8 / 255,
            description: 'Linf radius (8/255 in the paper).',
          },
          steps: { type: 'integer', minimum: 1, default: 20, description: 'PGD steps per batch.' },
          relStepsize: {
            type: 'number',
            exclusiveMinimum: 0,
            default: 0.25,
            description: 'Step size as a multiple of eps.',
          },
        },
      },
      ...trainingSchema({ epochs: 10, batchSize: 512, optimizer: 'adam', lr: 0.001, schedule: 'constant' }),
    },
  },
  inputs: {
    model: { type: 'Model', description: 'the initial network' },
    data: { type: 'Dataset', description: 'training data with the target factor' },
  },
  output: 'Model',
  async run(inputs, p, ctx): Promise<Artifact> {
    const net = Network.fromArtifact(inputs.model as Artifact);
    try {
      if (p.mode === 'random') {
        if (p.calibrateBatchNorm) await calibrateBatchNorm(net, datasetView(inputs.data as Artifact), p.batchSize, ctx);
        return await net.toArtifact({ pretraining: 'random', batchNormCalibrated: p.calibrateBatchNorm });
      }
      const init = initHead(net.meta.featureDim, 1, ctx.rng);
      net.setHead(
        tf.tensor2d(init[HEAD_WEIGHT].data, [1, net.meta.featureDim]),
        tf.tensor1d(init[HEAD_BIAS].data as Float32Array),
        { task: 'regression', target: p.target },
      );
      const training = await train(net, datasetView(inputs.data as Artifact), p, ctx);
      return await net.toArtifact({ pretraining: p.mode, trainLoss: training.loss.at(-1)!, training });
    } finally {
      net.dispose();
    }
  },
};

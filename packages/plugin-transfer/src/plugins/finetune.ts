import {
  abortPoint,
  Artifact,
  datasetView,
  DatasetView,
  HEAD_BIAS,
  HEAD_WEIGHT,
  imageRows,
  labelsOf,
  Plugin,
  PluginContext,
  RtlabError,
  targetColumn,
} from '@rtlab/sdk';
import { initHead, Network } from '@rtlab/plugin-models';
import * as tf from '@tensorflow/tfjs-core';
import { makeOptimizer, scheduledRate } from '../optim/make-optimizer';
import { FinetunePhase, finetuneStep } from '../train/finetune-step';
import { TrainingHistory, trainEpochs } from '../train/train-epochs';
import { TASK_SCHEMA, TrainingParams, trainingSchema } from './training-params';

/** How fine-tuning proceeds: every weight (ft), the head then everything (lp-ft), or the head with batch norm training (lp-train-mode). */
export type FinetuneMode = 'ft' | 'lp-ft' | 'lp-train-mode';

/** The params of `finetune/network` (see the plugin's schema). */
export interface FinetuneParams extends TrainingParams {
  mode: FinetuneMode;
  task: 'regression' | 'classification';
  target?: string;
}

/**
 * The phases of each mode, with their epochs. LP-FT is run as the authors run it: batch norm in training
 * mode throughout, the head alone for `epochs`, then every parameter for half as many (Kumar et al.).
 */
function phases(mode: FinetuneMode, epochs: number): { phase: FinetunePhase; epochs: number; name: string }[] {
  if (mode === 'ft') return [{ name: 'ft', phase: { part: 'all' }, epochs }];
  if (mode === 'lp-train-mode') return [{ name: 'lp', phase: { part: 'head' }, epochs }];
  return [
    { name: 'lp', phase: { part: 'head' }, epochs },
    { name: 'ft', phase: { part: 'all' }, epochs: Math.max(1, Math.ceil(epochs / 2)) },
  ];
}

/** The answers to train on: labels for classification, one scaled target factor for regression. */
function answers(d: DatasetView, p: FinetuneParams): { y: Float32Array | Int32Array; outputs: number } {
  if (p.task === 'classification')
    return { y: labelsOf(d), outputs: d.meta.classes?.length ?? labelsOf(d).reduce((m, l) => Math.max(m, l), -1) + 1 };
  if (!p.target)
    throw new RtlabError(
      'input',
      `regression fine-tuning needs params.target, one of: ${(d.meta.factors ?? []).join(', ') || '(none)'}`,
    );
  return { y: targetColumn(d, p.target), outputs: 1 };
}

/** One optimiser and one learning-rate schedule over every iteration of every phase (LP-FT's FT continues LP's cosine). */
async function train(
  net: Network,
  d: DatasetView,
  p: FinetuneParams,
  ctx: PluginContext,
): Promise<Record<string, TrainingHistory>> {
  const { y } = answers(d, p);
  const [h, w, c] = d.imageShape;
  const perEpoch = Math.ceil(d.count / p.batchSize);
  const plan = phases(p.mode, p.epochs);
  const iterations = plan.reduce((n, ph) => n + ph.epochs * perEpoch, 0);
  const optimizer = makeOptimizer({ kind: p.optimizer, momentum: p.momentum, weightDecay: p.weightDecay });
  const history: Record<string, TrainingHistory> = {};
  let done = 0;
  try {
    for (const { phase, epochs, name } of plan) {
      const first = done;
      history[name] = await trainEpochs(
        {
          epochs,
          count: d.count,
          batchSize: p.batchSize,
          step: async (idx, t) => {
            const x = tf.tensor4d(imageRows(d, idx), [idx.length, h, w, c]);
            const target =
              p.task === 'regression'
                ? tf.tensor1d(Float32Array.from(idx, (i) => y[i]))
                : tf.tensor1d(
                    Int32Array.from(idx, (i) => y[i]),
                    'int32',
                  );
            try {
              await abortPoint(ctx.signal);
              return await finetuneStep(
                net,
                phase,
                optimizer,
                x,
                target,
                p.task,
                scheduledRate(p.lr, p.schedule, first + t, iterations),
              );
            } finally {
              tf.dispose([x, target]);
            }
          },
        },
        ctx,
      );
      done += epochs * perEpoch;
    }
  } finally {
    optimizer.dispose();
  }
  return history;
}

/**
 * `finetune/network`: transfer that trains the representation too, from the pretrained weights with a
 * new head. `ft` trains every parameter; `lp-ft` (Kumar et al., as the paper's authors run it) first
 * trains the head alone, then every parameter for half as many epochs, with one optimiser and one
 * cosine schedule over both and batch norm in training mode throughout; `lp-train-mode` is the authors'
 * linear probing: only the head trains, but batch norm runs in training mode (batch statistics, running
 * statistics updated), as their code's model.train() does. The output's g is the network after
 * transfer, so AS and the bounds downstream measure it.
 */
export const finetunePlugin: Plugin<FinetuneParams> = {
  kind: 'finetune',
  name: 'network',
  version: '1.1.0', // 1.1.0: lp-ft with one optimiser and schedule, batch norm in training mode throughout (the authors' protocol)
  description:
    "Fine-tuning (ft, lp-ft) or the authors' train-mode linear probing (lp-train-mode) of a pretrained network with a new head: SGD with momentum, cosine annealing per iteration, weight decay, batch norm as PyTorch trains it.",
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['mode', 'task'],
    if: TASK_SCHEMA.if,
    then: TASK_SCHEMA.then,
    properties: {
      mode: {
        enum: ['ft', 'lp-ft', 'lp-train-mode'],
        description:
          "ft: every parameter; lp-ft: the head alone, then every parameter for half as many epochs (one optimiser and cosine schedule, batch norm in training mode throughout, as the authors run it); lp-train-mode: the head only, batch norm in training mode (the authors' LP).",
      },
      ...TASK_SCHEMA.properties,
      ...trainingSchema({ epochs: 10, batchSize: 128, optimizer: 'sgd', lr: 0.01, schedule: 'cosine' }),
    },
  },
  inputs: {
    model: { type: 'Model', description: 'the pretrained network (its head, if any, is replaced)' },
    data: { type: 'Dataset', description: 'the downstream training data' },
  },
  output: 'Model',
  async run(inputs, p, ctx): Promise<Artifact> {
    const d = datasetView(inputs.data as Artifact);
    const net = Network.fromArtifact(inputs.model as Artifact);
    try {
      const { outputs } = answers(d, p);
      const init = initHead(net.meta.featureDim, outputs, ctx.rng);
      const task =
        p.task === 'regression' ? { task: p.task, target: p.target! } : { task: p.task, classes: d.meta.classes ?? [] };
      net.setHead(
        tf.tensor2d(init[HEAD_WEIGHT].data, [outputs, net.meta.featureDim]),
        tf.tensor1d(init[HEAD_BIAS].data as Float32Array),
        task,
      );
      const byPhase = await train(net, d, p, ctx);
      const training = concatHistories(Object.values(byPhase));
      return await net.toArtifact({
        finetune: p.mode,
        trainLoss: training.loss.at(-1)!,
        training,
        ...(p.mode === 'lp-ft' ? { lpEpochs: byPhase.lp.loss.length } : {}),
      });
    } finally {
      net.dispose();
    }
  },
};

/** The phases' histories one after another (LP's epochs, then FT's). */
function concatHistories(histories: TrainingHistory[]): TrainingHistory {
  const keys = [...new Set(histories.flatMap((h) => Object.keys(h)))];
  return Object.fromEntries(keys.map((k) => [k, histories.flatMap((h) => h[k] ?? [])])) as TrainingHistory;
}

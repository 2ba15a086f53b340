import { abortPoint, Artifact, batchRanges, datasetView, DatasetView, PluginContext, RtlabError } from '@rtlab/sdk';
import { Network } from '@rtlab/plugin-models';
import * as tf from '@tensorflow/tfjs-core';
import { RowLoss } from '../gradients/input-gradient';
import { sliceBatch } from '../objectives/objective';
import { OBJECTIVES, ObjectiveName } from '../objectives/objectives';
import { bestOverRestarts, RestartResult, restartSeed } from '../restarts/best-over-restarts';
import { attackBatch, disposeBatch } from './attack-batch';
import { AttackOutputs } from './attack-outputs';
import { mergeAttackResults } from './merge-attack-results';

/** The params every attack on an objective shares (PGD and APGD add their own). */
export interface ObjectiveAttackParams {
  objective: ObjectiveName;
  eps: number;
  steps: number;
  /** Independent runs per sample, keeping each sample's highest loss; default 1. */
  restarts?: number;
  bounds: [number, number];
  batchSize: number;
  gradientBatch?: number;
  target?: string;
  saveInputs: boolean;
}

/** The schema of an `[lo, hi]` input range param, default [0, 1] (images). */
export function inputBoundsSchema(description: string) {
  return { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2, default: [0, 1], description };
}

/** The JSON schemas of the shared params; `norm` and `steps` word the descriptions. */
function objectiveAttackSchema(norm: string, steps: number) {
  return {
    objective: {
      enum: ['ce', 'dlr', 'regression', 'representation'],
      description:
        "Maximise the CE or DLR loss of f (DLR: 3 classes or more), the regression error |f(x) - y|, or ||g(x') - g(x)||_2 (AS score; needs no labels).",
    },
    eps: {
      type: 'number',
      exclusiveMinimum: 0,
      description: `Radius of the ${norm} ball, in input units (images in [0, 1]), e.g. 0.0627 for 16/255.`,
    },
    steps: { type: 'integer', minimum: 1, default: steps, description: 'Iterations per restart.' },
    restarts: {
      type: 'integer',
      minimum: 1,
      description:
        "Independent runs on every sample from other random starts, keeping each sample's highest loss (default 1).",
    },
    bounds: inputBoundsSchema('Input bounds [lo, hi] every iterate is clipped to.'),
    batchSize: { type: 'integer', minimum: 1, default: 256, description: 'Samples attacked at once.' },
    gradientBatch: {
      type: 'integer',
      minimum: 1,
      description:
        'Samples per gradient computation (lower it for big networks on wasm, whose heap is 4 GiB); same result.',
    },
    target: {
      type: 'string',
      description: "Regression target factor (default: the one the model's head was trained on).",
    },
    saveInputs: {
      type: 'boolean',
      default: false,
      description: "Also store the adversarial inputs x' (float32, large).",
    },
  };
}

/** The params schema of an objective attack: the shared params and the attack's own. */
export function objectiveAttackParams(norm: string, steps: number, own: Record<string, object>) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['objective', 'eps'],
    properties: { ...objectiveAttackSchema(norm, steps), ...own },
  };
}

/** The ports, output and sharding every objective attack has: per-sample work, so shards at batch boundaries give the bytes of one run. */
export const OBJECTIVE_ATTACK_IO = {
  inputs: {
    model: { type: 'Model', description: 'the network attacked' },
    data: { type: 'Dataset', description: 'the samples attacked' },
  },
  output: 'AttackResult',
  shards: { port: 'data', unit: (p: ObjectiveAttackParams) => p.batchSize, merge: mergeAttackResults },
};

const onLabels = (objective: ObjectiveName) => objective === 'ce' || objective === 'dlr';

/**
 * Whether predictions and labels are recorded: the model classifies and the data's labels index its
 * outputs. The CE and DLR objectives need that (a 10-class task on a 100-class pretrained head needs a
 * probe first); a representation attack on a pretrained classifier with another task's data skips them.
 */
function classifies(net: Network, data: DatasetView, objective: ObjectiveName): boolean {
  const top = data.labels?.reduce((m, l) => Math.max(m, l), -1) ?? -1;
  const fits = data.labels !== undefined && top < net.meta.outputs;
  if (onLabels(objective) && !fits)
    throw new RtlabError(
      'input',
      data.labels
        ? `the data has label ${top}, but the model's head has ${net.meta.outputs} outputs: probe the representation on this task first`
        : `the ${objective} objective needs class labels`,
    );
  return net.hasHead && net.meta.task === 'classification' && fits;
}

/** The regression target, after checking the model can be attacked on the objective. */
function checkModel(net: Network, p: ObjectiveAttackParams): string | undefined {
  if (p.objective !== 'representation' && !net.hasHead)
    throw new RtlabError(
      'input',
      `the ${p.objective} objective needs a model with a head (f = W g + b); probe it first`,
    );
  const target = p.target ?? net.meta.target;
  if (p.objective === 'regression' && !target)
    throw new RtlabError('input', 'the regression objective needs params.target (the model names none)');
  return target;
}

/** One restart of an attack on a batch: its points, and their losses where it tracks them. */
export type BatchAttack = (x0: tf.Tensor4D, loss: RowLoss, firstSample: number, seed: number) => Promise<RestartResult>;

/**
 * The loop every objective attack shares: batches of the data, `restarts` runs of `attack` on each
 * (the highest loss kept per sample), per-sample outputs recorded, progress and Ctrl-C between batches.
 */
export async function runObjectiveAttack(
  inputs: Record<string, unknown>,
  p: ObjectiveAttackParams,
  ctx: PluginContext,
  attack: BatchAttack,
  meta: { attack: string; norm: string; settings: { [key: string]: string | number | boolean } },
): Promise<Artifact> {
  const data = datasetView(inputs.data as Artifact);
  const net = Network.fromArtifact(inputs.model as Artifact);
  try {
    const target = checkModel(net, p);
    const withLabels = classifies(net, data, p.objective);
    const out = new AttackOutputs(data.count, net, withLabels, p.saveInputs ? data.imageShape : undefined);
    for (const [start, end] of batchRanges(data.count, p.batchSize)) {
      await abortPoint(ctx.signal);
      const { x0, batch } = attackBatch(net, data, start, end, p.objective, withLabels, target);
      const objective = (x: tf.Tensor4D, row = 0) =>
        OBJECTIVES[p.objective](net, x, sliceBatch(batch, row, x.shape[0]));
      const lossOf = async (x: tf.Tensor4D) => {
        const t = tf.tidy(() => objective(x));
        const values = (await t.data()) as Float32Array;
        t.dispose();
        return values;
      };
      const first = ctx.firstSample + start;
      const found = await bestOverRestarts(
        p.restarts ?? 1,
        (r) => attack(x0, objective, first, restartSeed(ctx.seed, r)),
        lossOf,
      ).catch((e) => {
        disposeBatch(x0, batch);
        throw e;
      });
      await out.record(start, x0, found.x, batch, p.objective === 'representation' ? undefined : (x) => objective(x));
      tf.dispose(found.x);
      disposeBatch(x0, batch);
      ctx.progress(end, data.count);
    }
    return out.artifact({
      attack: meta.attack,
      norm: meta.norm,
      objective: p.objective,
      eps: p.eps,
      steps: p.steps,
      ...meta.settings,
      ...(p.restarts !== undefined ? { restarts: p.restarts } : {}),
      ...(target ? { target } : {}),
    });
  } finally {
    net.dispose();
  }
}

import { abortPoint, Artifact, batchRanges, datasetView, DatasetView, Plugin, RtlabError } from '@rtlab/sdk';
import { Network } from '@rtlab/plugin-models';
import * as tf from '@tensorflow/tfjs-core';
import { sliceBatch } from '../objectives/objective';
import { OBJECTIVES, ObjectiveName } from '../objectives/objectives';
import { PgdVariant } from '../pgd/pgd-variant';
import { runPgd } from '../pgd/run-pgd';
import { attackBatch, disposeBatch } from './attack-batch';
import { AttackOutputs } from './attack-outputs';
import { mergeAttackResults } from './merge-attack-results';

/** The params of `attack/pgd-*` (see the plugin's schema for each). */
export interface PgdParams {
  objective: ObjectiveName;
  eps: number;
  steps: number;
  relStepsize?: number;
  absStepsize?: number;
  randomStart: boolean;
  bounds: [number, number];
  batchSize: number;
  gradientBatch?: number;
  target?: string;
  saveInputs: boolean;
}

const paramsSchema = (norm: string, relStepsize: number) => ({
  type: 'object',
  additionalProperties: false,
  required: ['objective', 'eps'],
  properties: {
    objective: {
      enum: ['ce', 'regression', 'representation'],
      description:
        "Maximise the CE loss of f, the regression error |f(x) - y|, or ||g(x') - g(x)||_2 (AS score; needs no labels).",
    },
    eps: {
      type: 'number',
      exclusiveMinimum: 0,
      description: `Radius of the ${norm} ball, in input units (images in [0, 1]), e.g. 0.0627 for 16/255.`,
    },
    steps: { type: 'integer', minimum: 1, default: 20, description: 'PGD iterations.' },
    relStepsize: {
      type: 'number',
      exclusiveMinimum: 0,
      description: `Step size as a multiple of eps; exclusive with absStepsize. Default ${relStepsize}; foolbox's own defaults are 0.01/0.3 (LinfPGD, 40 steps) and 0.025 (L2PGD, 50 steps).`,
    },
    absStepsize: {
      type: 'number',
      exclusiveMinimum: 0,
      description: 'Absolute step size; exclusive with relStepsize.',
    },
    randomStart: {
      type: 'boolean',
      default: true,
      description: 'Start at a uniformly random point of the ball (required for the representation objective).',
    },
    bounds: {
      type: 'array',
      items: { type: 'number' },
      minItems: 2,
      maxItems: 2,
      default: [0, 1],
      description: 'Input bounds [lo, hi] every iterate is clipped to.',
    },
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
  },
});

function stepSize(p: PgdParams, variant: PgdVariant): number {
  if (p.relStepsize !== undefined && p.absStepsize !== undefined)
    throw new RtlabError('input', 'give relStepsize or absStepsize, not both');
  return p.absStepsize ?? (p.relStepsize ?? variant.defaultRelStepsize) * p.eps;
}

/**
 * Whether predictions and labels are recorded: the model classifies and the data's labels index its
 * outputs. The CE objective needs that (a 10-class task on a 100-class pretrained head needs a probe
 * first); a representation attack on a pretrained classifier with another task's data just skips them.
 */
function classifies(net: Network, data: DatasetView, p: PgdParams): boolean {
  const top = data.labels?.reduce((m, l) => Math.max(m, l), -1) ?? -1;
  const fits = data.labels !== undefined && top < net.meta.outputs;
  if (p.objective === 'ce' && !fits)
    throw new RtlabError(
      'input',
      data.labels
        ? `the data has label ${top}, but the model's head has ${net.meta.outputs} outputs: probe the representation on this task first`
        : 'the ce objective needs class labels',
    );
  return net.hasHead && net.meta.task === 'classification' && fits;
}

function checkModel(net: Network, p: PgdParams): string | undefined {
  if (p.objective !== 'representation' && !net.hasHead)
    throw new RtlabError(
      'input',
      `the ${p.objective} objective needs a model with a head (f = W g + b); probe it first`,
    );
  if (p.objective === 'representation' && !p.randomStart)
    throw new RtlabError(
      'input',
      "the representation objective needs randomStart: its gradient is undefined at x' = x",
    );
  const target = p.target ?? net.meta.target;
  if (p.objective === 'regression' && !target)
    throw new RtlabError('input', 'the regression objective needs params.target (the model names none)');
  return target;
}

/**
 * The attack plugin `pgd-<name>` for one PGD variant (`pgd-linf` and `pgd-l2` differ only in theirs); its
 * version is the variant's, and it declares its ball, so bounds can check two attacks share one.
 */
export function pgdPlugin(variant: PgdVariant): Plugin<PgdParams> {
  return {
    kind: 'attack',
    name: `pgd-${variant.name}`,
    version: variant.version,
    description: `${variant.label}-PGD with foolbox semantics on a chosen objective; per-sample clean/adversarial losses and ||g(x') - g(x)||_2.`,
    params: paramsSchema(variant.label, variant.defaultRelStepsize),
    ball: (p) => ({ norm: variant.norm, eps: p.eps }),
    inputs: {
      model: { type: 'Model', description: 'the network attacked' },
      data: { type: 'Dataset', description: 'the samples attacked' },
    },
    output: 'AttackResult',
    // Per-sample work: shards at batch boundaries give the same batches, so the same bytes, as one run.
    shards: { port: 'data', unit: (p) => p.batchSize, merge: mergeAttackResults },
    async run(inputs, p, ctx): Promise<Artifact> {
      const data = datasetView(inputs.data as Artifact);
      const net = Network.fromArtifact(inputs.model as Artifact);
      try {
        const target = checkModel(net, p);
        const withLabels = classifies(net, data, p);
        const out = new AttackOutputs(data.count, net, withLabels, p.saveInputs ? data.imageShape : undefined);
        const settings = {
          eps: p.eps,
          steps: p.steps,
          stepSize: stepSize(p, variant),
          randomStart: p.randomStart,
          bounds: p.bounds,
          seed: ctx.seed,
          gradientBatch: p.gradientBatch,
        };
        for (const [start, end] of batchRanges(data.count, p.batchSize)) {
          await abortPoint(ctx.signal);
          const { x0, batch } = attackBatch(net, data, start, end, p.objective, withLabels, target);
          const objective = (x: tf.Tensor4D, row = 0) =>
            OBJECTIVES[p.objective](net, x, sliceBatch(batch, row, x.shape[0]));
          const xAdv = await runPgd(variant, objective, x0, {
            ...settings,
            firstSample: ctx.firstSample + start,
            signal: ctx.signal,
          }).catch((e) => {
            disposeBatch(x0, batch);
            throw e;
          });
          await out.record(start, x0, xAdv, batch, p.objective === 'representation' ? undefined : (x) => objective(x));
          tf.dispose(xAdv);
          disposeBatch(x0, batch);
          ctx.progress(end, data.count);
        }
        return out.artifact({
          attack: `pgd-${variant.name}`,
          norm: variant.norm,
          objective: p.objective,
          eps: p.eps,
          steps: p.steps,
          stepSize: settings.stepSize,
          randomStart: p.randomStart,
          ...(target ? { target } : {}),
        });
      } finally {
        net.dispose();
      }
    },
  };
}

import {
  abortPoint,
  Artifact,
  batchRanges,
  boundsArtifact,
  datasetView,
  HEAD_BIAS,
  HEAD_WEIGHT,
  imageBatch,
  labelsOf,
  mean,
  Plugin,
  RtlabError,
} from '@rtlab/sdk';
import { inputBoundsSchema } from '@rtlab/plugin-attacks';
import { LayerGraph, Network } from '@rtlab/plugin-models';
import * as tf from '@tensorflow/tfjs-core';
import { asUpperBound } from '../bounds/as-upper';
import { marginSpecification } from '../bounds/margin-specification';
import { mergeBounds } from '../bounds/merge-bounds';
import { margins } from '../margins/margins';
import { Ball, boundNorm } from '../propagation/ball';
import { BoundMethod, GraphBounds } from '../propagation/graph-bounds';

export interface BoundParams {
  norm: 'linf' | 'l2';
  eps: number;
  bounds: [number, number];
  batchSize: number;
  maxCoefficients: number;
  crownUnstableLimit: number;
}

const NAMES: Record<BoundMethod, string> = { ibp: 'IBP', 'crown-ibp': 'CROWN-IBP', crown: 'CROWN' };

const paramsSchema = (method: BoundMethod) => ({
  type: 'object',
  additionalProperties: false,
  required: ['norm', 'eps'],
  properties: {
    norm: { enum: ['linf', 'l2'], description: 'The ball: Linf (intersected with the input bounds) or L2.' },
    eps: { type: 'number', minimum: 0, description: 'Radius of the ball, in input units (images in [0, 1]).' },
    bounds: inputBoundsSchema('Input bounds [lo, hi] (an Linf ball is intersected with them).'),
    batchSize: {
      type: 'integer',
      minimum: 1,
      default: method === 'crown' ? 4 : 32,
      description: 'Samples bounded at once (full CROWN tightens the ReLUs unstable in any of them).',
    },
    maxCoefficients: {
      type: 'integer',
      minimum: 1,
      default: 33554432,
      description:
        'Floats one backward pass may hold in its largest coefficient map (128 MiB); passes are chunked to fit.',
    },
    crownUnstableLimit: {
      type: 'integer',
      minimum: 0,
      default: 1024,
      description:
        'Full CROWN tightens a ReLU layer only where at most this many of its neurons are unstable in the batch (each costs a backward pass); other layers keep their IBP bounds, counted in the result as ibpLayers.',
    },
  },
});

/** What one batch contributes: the bounds of g, and for a classifier the margin bound and the clean margin. */
interface BatchBounds {
  lower: Float32Array;
  upper: Float32Array;
  clean: Float32Array;
  marginLower?: Float32Array;
  /** ReLU layers full CROWN left at IBP. */
  ibpLayers: number;
}

async function boundBatch(
  net: Network,
  graph: LayerGraph,
  x0: tf.Tensor4D,
  p: BoundParams,
  method: BoundMethod,
  labels?: Int32Array,
): Promise<BatchBounds> {
  const ball: Ball = { norm: p.norm, eps: p.eps, x0, bounds: p.bounds };
  const bounds = await GraphBounds.compute(graph, ball, method, p);
  try {
    const clean = tf.tidy(() => net.features(x0));
    const [g, out] = [(await clean.data()) as Float32Array, await bounds.output(method)];
    clean.dispose();
    let marginLower: Float32Array | undefined;
    if (labels) {
      const spec = marginSpecification(
        net.param(HEAD_WEIGHT) as tf.Tensor2D,
        net.param(HEAD_BIAS) as tf.Tensor1D,
        labels,
      );
      const rows = await bounds.specificationLower(method, spec.C, spec.d);
      tf.dispose([spec.C, spec.d]);
      const k = net.meta.outputs - 1;
      marginLower = Float32Array.from(labels, (_, i) => Math.min(...rows.subarray(i * k, (i + 1) * k)));
    }
    return { lower: out.lower, upper: out.upper, clean: g, marginLower, ibpLayers: bounds.ibpLayers };
  } finally {
    bounds.dispose();
  }
}

/**
 * `bound/<method>`: sound bounds of the representation over the ball, per sample: elementwise bounds of
 * g and the AS_i upper bound they give; for a probed classifier, a lower bound of its margins over the
 * ball (> 0: certified) and Theorem 2's clean margin. IBP propagates intervals; CROWN-IBP carries linear
 * bounds back from the output over IBP's intermediate intervals; CROWN also tightens every unstable
 * ReLU's input by its own backward pass (keeping IBP's where a layer has more than `crownUnstableLimit`).
 */
export function boundPlugin(method: BoundMethod): Plugin<BoundParams> {
  return {
    kind: 'bound',
    name: method,
    version: '1.0.0',
    description: `${NAMES[method]}: sound elementwise bounds of g over the Linf or L2 ball, the AS_i upper bound, and for classifiers certified margins.`,
    params: paramsSchema(method),
    ball: (p) => ({ norm: p.norm, eps: p.eps }),
    inputs: {
      model: { type: 'Model', description: 'the network bounded (with a classification head: margins too)' },
      data: { type: 'Dataset', description: 'the samples whose balls are bounded' },
    },
    output: 'Bounds',
    // Per batch: full CROWN tightens the neurons unstable in any sample of a batch, so shards cut at batch
    // boundaries give the batches, so the bytes, of one run.
    shards: { port: 'data', unit: (p) => p.batchSize, merge: mergeBounds },
    async run(inputs, p, ctx): Promise<Artifact> {
      const norm = boundNorm(p.norm);
      const data = datasetView(inputs.data as Artifact);
      const net = Network.fromArtifact(inputs.model as Artifact);
      let graph: LayerGraph | undefined;
      const started = performance.now();
      try {
        const m = net.meta.featureDim;
        const classifies = classifiesData(net, data.labels);
        graph = net.layerGraph();
        const [lower, upper, clean] = [0, 0, 0].map(() => new Float32Array(data.count * m));
        const marginLower = new Float32Array(classifies ? data.count : 0);
        let ibpLayers = 0;
        const [h, w, c] = data.imageShape;
        for (const [start, end] of batchRanges(data.count, p.batchSize)) {
          await abortPoint(ctx.signal);
          const x0 = tf.tensor4d(imageBatch(data, start, end), [end - start, h, w, c]);
          const batchLabels = classifies ? labelsOf(data).subarray(start, end) : undefined;
          const b = await boundBatch(net, graph, x0, { ...p, norm }, method, batchLabels).finally(() => x0.dispose());
          lower.set(b.lower, start * m);
          upper.set(b.upper, start * m);
          clean.set(b.clean, start * m);
          if (b.marginLower) marginLower.set(b.marginLower, start);
          ibpLayers = Math.max(ibpLayers, b.ibpLayers);
          ctx.progress(end, data.count);
        }
        const asUpper = asUpperBound(lower, upper, clean, m);
        const classification = classifies
          ? {
              marginLower,
              marginClean: Float32Array.from(await cleanMargins(net, data.count, clean, labelsOf(data))),
            }
          : undefined;
        return boundsArtifact({
          featureLower: lower,
          featureUpper: upper,
          featureDim: m,
          asUpper,
          classification,
          meta: {
            method,
            asMethod: method,
            ...(classification ? { marginMethod: method } : {}),
            ...(method === 'crown' ? { ibpLayers } : {}),
            norm,
            eps: p.eps,
            meanAsUpper: mean(asUpper),
            seconds: (performance.now() - started) / 1000,
          },
        });
      } finally {
        graph?.dispose();
        net.dispose();
      }
    },
  };
}

/** Whether margins are bounded: a classification head with 2 outputs or more, and labels that index it. */
function classifiesData(net: Network, labels?: Int32Array): boolean {
  if (!net.hasHead || net.meta.task !== 'classification' || labels === undefined || net.meta.outputs < 2) return false;
  const top = labels.reduce((m, l) => Math.max(m, l), -1);
  if (top >= net.meta.outputs)
    throw new RtlabError(
      'input',
      `the data has label ${top}, but the model's head has ${net.meta.outputs} outputs: probe the representation on this task first`,
    );
  return true;
}

/** Theorem 2's clean margins from the clean features through the head. */
async function cleanMargins(
  net: Network,
  n: number,
  features: Float32Array,
  labels: Int32Array,
): Promise<Float64Array> {
  const logits = tf.tidy(() => net.head(tf.tensor2d(features, [n, net.meta.featureDim])));
  const values = (await logits.data()) as Float32Array;
  logits.dispose();
  const W = net.param(HEAD_WEIGHT);
  return margins(values, labels, (await W.data()) as Float32Array, W.shape[0], W.shape[1]!);
}

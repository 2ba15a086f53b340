import { selectBackend } from '@rtlab/backends';
import { apgdLinf, apgdPlugin, attackResultView, pgdLinf, pgdPlugin } from '@rtlab/plugin-attacks';
import { linearModel } from '@rtlab/plugin-models';
import {
  Artifact,
  boundsProblems,
  datasetArtifact,
  scoreRows,
  SeededRng,
  sliceDataset,
  standaloneContext,
} from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';
import { asBracketPlugin } from './as-bracket-plugin';
import { mergeBounds } from '../bounds/merge-bounds';
import { boundPlugin, BoundParams } from './bound-plugin';

const rng = new SeededRng(3);
const A = Array.from({ length: 16 }, () => Array.from({ length: 4 }, () => rng.normal()));
const W = Array.from({ length: 3 }, () => Array.from({ length: 4 }, () => rng.normal()));
const model = linearModel(A, [4, 4, 1], { weight: W, bias: [0.2, -0.1, 0] }, 'classification');
const data = datasetArtifact({
  images: Uint8Array.from({ length: 5 * 16 }, (_, i) => 60 + ((i * 37) % 130)),
  imageShape: [4, 4, 1],
  labels: Int32Array.from([0, 1, 2, 0, 1]),
  meta: { name: 'noise', classes: ['a', 'b', 'c'] },
});
const params = (p: Partial<BoundParams> = {}): BoundParams => ({
  norm: 'linf',
  eps: 0.02,
  bounds: [0, 1],
  batchSize: 2,
  maxCoefficients: 1 << 20,
  crownUnstableLimit: 1024,
  ...p,
});

describe.each(['cpu', 'wasm'] as const)('bound/* and score/as-bracket on %s', (backend) => {
  beforeAll(() => selectBackend(backend));

  it('on a linear g: IBP gives AS_i <= eps sqrt(sum_j ||a_j||_1^2) exactly, and margins below CROWN (exact on an affine g)', async () => {
    const before = tf.memory().numTensors;
    const b = await boundPlugin('ibp').run({ model, data }, params(), standaloneContext());
    expect(boundsProblems(b)).toEqual([]);
    const expected = 0.02 * Math.hypot(...[0, 1, 2, 3].map((j) => A.reduce((s, r) => s + Math.abs(r[j]), 0)));
    Array.from(b.tensors.asUpper.data).forEach((v) => expect(v).toBeCloseTo(expected, 4));
    const marginLower = b.tensors.marginLower.data;
    const crown = await boundPlugin('crown').run({ model, data }, params(), standaloneContext());
    const exact = crown.tensors.marginLower.data; // CROWN is exact on an affine g (one linear bound)
    Array.from(marginLower).forEach((v, i) => expect(v).toBeLessThanOrEqual(exact[i] + 1e-4));
    expect(crown.meta).toMatchObject({ asMethod: 'crown', marginMethod: 'crown', ibpLayers: 0, norm: 'linf' });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('as-bracket: the means of each side, a bracket that holds, the gap and the certified shares', async () => {
    const attack = async (plugin: typeof pgdLinf | typeof apgdLinf) =>
      plugin === pgdLinf
        ? pgdPlugin(pgdLinf).run(
            { model, data },
            {
              objective: 'representation',
              eps: 0.02,
              steps: 10,
              randomStart: true,
              bounds: [0, 1],
              batchSize: 8,
              saveInputs: false,
            },
            standaloneContext(),
          )
        : apgdPlugin(apgdLinf).run(
            { model, data },
            {
              objective: 'representation',
              eps: 0.02,
              steps: 20,
              rho: 0.75,
              bounds: [0, 1],
              batchSize: 8,
              saveInputs: false,
            },
            standaloneContext(),
          );
    const lower = [await attack(pgdLinf), await attack(apgdLinf)];
    const upper: Artifact[] = [];
    for (const m of ['ibp', 'crown-ibp', 'crown'] as const)
      upper.push(await boundPlugin(m).run({ model, data }, params(), standaloneContext()));
    const scores = await asBracketPlugin.run({ lower, upper }, { labels: { pre: 'x' } }, standaloneContext());
    const [row] = scoreRows(scores);
    const mean = (v: ArrayLike<number>) => Array.from(v).reduce((s, x) => s + x, 0) / v.length;
    expect(row.asPgd).toBeCloseTo(mean(attackResultView(lower[0]).repDistance), 6);
    expect(row.asIbp).toBeCloseTo(mean(upper[0].tensors.asUpper.data), 6);
    expect(row.asUpper as number).toBeGreaterThanOrEqual((row.asLower as number) * (1 - 1e-5));
    expect(row.gap).toBeCloseTo((row.asUpper as number) / (row.asLower as number), 6);
    // the sound AS_i is never below the estimate, so Theorem 2 proves at most what it estimates
    expect(row.certifiedProven as number).toBeLessThanOrEqual(row.certifiedEstimate as number);
    for (const c of ['certIbp', 'certCrownIbp', 'certCrown']) expect(row[c]).toEqual(expect.any(Number));
  });

  it('shards cut at batch boundaries merge into the bounds of one run', async () => {
    const whole = await boundPlugin('crown').run({ model, data }, params(), standaloneContext());
    const parts = [
      await boundPlugin('crown').run({ model, data: sliceDataset(data, 0, 2) }, params(), standaloneContext()),
      await boundPlugin('crown').run({ model, data: sliceDataset(data, 2, 5) }, params(), standaloneContext()),
    ];
    const merged = mergeBounds(parts);
    for (const name of Object.keys(whole.tensors))
      expect(Array.from(merged.tensors[name].data)).toEqual(Array.from(whole.tensors[name].data));
    expect(merged.meta.meanAsUpper).toBe(whole.meta.meanAsUpper);
  });

  it('refuses labels its head cannot index', async () => {
    const other = {
      ...data,
      tensors: { ...data.tensors, labels: { ...data.tensors.labels, data: Int32Array.from([0, 5, 1, 2, 0]) } },
    };
    await expect(boundPlugin('ibp').run({ model, data: other }, params(), standaloneContext())).rejects.toThrow(
      /the data has label 5, but the model's head has 3 outputs/,
    );
  });

  it('as-bracket refuses inputs from different balls', async () => {
    const a = await boundPlugin('ibp').run({ model, data }, params(), standaloneContext());
    const b = await boundPlugin('ibp').run({ model, data }, params({ eps: 0.03 }), standaloneContext());
    const l = await pgdPlugin(pgdLinf).run(
      { model, data },
      {
        objective: 'representation',
        eps: 0.02,
        steps: 2,
        randomStart: true,
        bounds: [0, 1],
        batchSize: 8,
        saveInputs: false,
      },
      standaloneContext(),
    );
    await expect(
      asBracketPlugin.run({ lower: [l], upper: [a, b] }, { labels: {} }, standaloneContext()),
    ).rejects.toThrow(/as-bracket needs one ball: got linf at eps 0.02 and linf at eps 0.03/);
  });
});

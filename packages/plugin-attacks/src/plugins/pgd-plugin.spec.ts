import { selectBackend } from '@rtlab/backends';
import { datasetArtifact, SeededRng, sliceDataset, standaloneContext } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';
import { dspritesCnn, linearModel, Network } from '@rtlab/plugin-models';
import { attackResultView } from '../attack-result';
import { pgdL2 } from '../pgd/pgd-l2';
import { pgdLinf } from '../pgd/pgd-linf';
import { flatDataset, randomMatrix, sigmaMax } from '../test-support/fixtures';
import { pgdPlugin, PgdParams } from './pgd-plugin';
import { mergeAttackResults } from './merge-attack-results';

const params = (p: Partial<PgdParams>): PgdParams => ({
  objective: 'representation',
  eps: 0.05,
  steps: 50,
  relStepsize: 0.5,
  randomStart: true,
  bounds: [0, 1],
  batchSize: 8,
  saveInputs: false,
  ...p,
});

describe.each(['cpu', 'wasm'] as const)(
  'attack/pgd-* on a linear representation g(x) = A x (closed forms), on %s',
  (backend) => {
    beforeAll(() => selectBackend(backend));
    const A = randomMatrix(16, 3, 5);
    const data = flatDataset(10, 4, 4);

    it('L2, representation objective: AS_i = eps * sigma_max(A) for every sample', async () => {
      // 100 steps: the ascent converges like a power iteration, at a rate that depends on the random start.
      const r = attackResultView(
        await pgdPlugin(pgdL2).run(
          { model: linearModel(A, [4, 4, 1]), data },
          params({ steps: 100 }),
          standaloneContext(),
        ),
      );
      const expected = 0.05 * sigmaMax(A);
      // PGD lower-bounds the maximum: never above it (up to float error), and converged close to it.
      r.lossAdv.forEach((v) => expect(v / expected).toBeLessThanOrEqual(1 + 1e-5));
      r.lossAdv.forEach((v) => expect(v / expected).toBeGreaterThan(1 - 1e-3));
      expect(Array.from(r.repDistance)).toEqual(Array.from(r.lossAdv));
    });

    it('Linf, one feature: AS_i = eps * ||a||_1', async () => {
      const a = A.map((row) => [row[0]]);
      const r = attackResultView(
        await pgdPlugin(pgdLinf).run(
          { model: linearModel(a, [4, 4, 1]), data },
          params({ relStepsize: 1 }),
          standaloneContext(),
        ),
      );
      const expected = 0.05 * a.reduce((s, [v]) => s + Math.abs(v), 0);
      r.lossAdv.forEach((v) => expect(v).toBeCloseTo(expected, 4));
    });

    it("regression objective: the loss gap is eps * ||W A||_2, and x' moves g by eps * ||W A|| / ||W||", async () => {
      const W = [[0.5, -1, 2]];
      const model = linearModel(A, [4, 4, 1], { weight: W, bias: [0.1] }, 'regression', 'y');
      const r = attackResultView(
        await pgdPlugin(pgdL2).run({ model, data }, params({ objective: 'regression' }), standaloneContext()),
      );
      const WA = A.map((row) => row.reduce((s, v, j) => s + v * W[0][j], 0));
      const gap = 0.05 * Math.hypot(...WA);
      for (let i = 0; i < r.count; i++) expect(r.lossAdv[i] - r.lossClean[i]).toBeCloseTo(gap, 4);
      expect(r.meta.target).toBe('y');
    });

    it('repeats with the seed, and leaves no tensors behind', async () => {
      const before = tf.memory().numTensors;
      const run = (seed: number) =>
        pgdPlugin(pgdL2).run(
          { model: linearModel(A, [4, 4, 1]), data },
          params({ steps: 3 }),
          standaloneContext({ seed }),
        );
      const [x, y, z] = [await run(1), await run(1), await run(2)];
      expect(Array.from(x.tensors.lossAdv.data)).toEqual(Array.from(y.tensors.lossAdv.data));
      expect(Array.from(x.tensors.lossAdv.data)).not.toEqual(Array.from(z.tensors.lossAdv.data));
      expect(tf.memory().numTensors).toBe(before);
    });

    it('gives the same result with gradients in chunks (gradientBatch)', async () => {
      const model = linearModel(A, [4, 4, 1], { weight: [[0.5, -1, 2]], bias: [0.1] }, 'regression', 'y');
      const targeted = flatDataset(10, 4, 4, [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
      const run = (gradientBatch?: number) =>
        pgdPlugin(pgdL2).run(
          { model, data: targeted },
          params({ objective: 'regression', steps: 5, gradientBatch }),
          standaloneContext(),
        );
      const [whole, chunked] = [await run(), await run(3)];
      expect(Array.from(chunked.tensors.lossAdv.data)).toEqual(Array.from(whole.tensors.lossAdv.data));
    });

    it('explains what a model or setting lacks', async () => {
      const model = linearModel(A, [4, 4, 1]);
      await expect(
        pgdPlugin(pgdL2).run({ model, data }, params({ objective: 'ce' }), standaloneContext()),
      ).rejects.toThrow(/needs a model with a head/);
      await expect(
        pgdPlugin(pgdL2).run({ model, data }, params({ randomStart: false }), standaloneContext()),
      ).rejects.toThrow(/needs randomStart/);
      const oneClass = linearModel(A, [4, 4, 1], { weight: [A[0].map(() => 1)], bias: [0] }, 'classification');
      const labelled = {
        ...data,
        tensors: {
          ...data.tensors,
          labels: {
            dtype: 'int32' as const,
            shape: [data.tensors.labels.shape[0]],
            data: new Int32Array(data.tensors.labels.shape[0]).fill(1),
          },
        },
      };
      await expect(
        pgdPlugin(pgdL2).run({ model: oneClass, data: labelled }, params({ objective: 'ce' }), standaloneContext()),
      ).rejects.toThrow(/the data has label 1, but the model's head has 1 outputs: probe/);
    });
  },
);

describe.each(['cpu', 'wasm'] as const)(
  'attack results on the dSprites CNN do not depend on the batch size, on %s',
  (backend) => {
    beforeAll(() => selectBackend(backend));

    it.each([pgdLinf, pgdL2])(
      '%#: batches of 12, 5 and 1 give bit-identical results (random starts are per sample)',
      async (variant) => {
        const net = Network.fresh(dspritesCnn, new SeededRng(3));
        const model = await net.toArtifact();
        net.dispose();
        const images = Uint8Array.from({ length: 12 * 64 * 64 }, (_, i) => ((i * 2654435761) >>> 24) & 0xff);
        const data = datasetArtifact({ images, imageShape: [64, 64, 1], meta: { name: 'noise' } });
        const run = async (batchSize: number) =>
          (
            await pgdPlugin(variant).run(
              { model, data },
              params({ eps: 16 / 255, steps: 3, relStepsize: 0.7, batchSize, saveInputs: true }),
              standaloneContext({ seed: 9 }),
            )
          ).tensors;
        const [whole, fives, ones] = [await run(12), await run(5), await run(1)];
        for (const other of [fives, ones]) {
          for (const name of ['lossAdv', 'repDistance', 'adversarial'])
            expect(Buffer.from(other[name].data.buffer).equals(Buffer.from(whole[name].data.buffer))).toBe(true);
        }
        // Shards of the dataset, each knowing its first sample, merged: the same bytes and metadata as one run.
        const p = params({ eps: 16 / 255, steps: 3, relStepsize: 0.7, batchSize: 4, saveInputs: true });
        const one = await pgdPlugin(variant).run({ model, data }, p, standaloneContext({ seed: 9 }));
        const shards = await Promise.all(
          [
            [0, 4],
            [4, 12],
          ].map(([start, end]) =>
            pgdPlugin(variant).run(
              { model, data: sliceDataset(data, start, end) },
              p,
              standaloneContext({ seed: 9, firstSample: start }),
            ),
          ),
        );
        const merged = mergeAttackResults(shards);
        expect(merged.meta).toEqual(one.meta);
        for (const name of Object.keys(one.tensors))
          expect(Buffer.from(merged.tensors[name].data.buffer).equals(Buffer.from(one.tensors[name].data.buffer))).toBe(
            true,
          );
      },
      60_000,
    );
  },
);

it('merging shards that kept different tensors (predictions in one, none in the other) is a clear error, not a crash', () => {
  const f = (n: number) => ({ dtype: 'float32' as const, shape: [n], data: new Float32Array(n) });
  const part = (withPredictions: boolean) => ({
    type: 'AttackResult',
    meta: { objective: 'representation', eps: 0.1 },
    tensors: {
      lossClean: f(2),
      lossAdv: f(2),
      repDistance: f(2),
      ...(withPredictions ? { predAdv: { dtype: 'int32' as const, shape: [2], data: new Int32Array(2) } } : {}),
    },
  });
  expect(() => mergeAttackResults([part(true), part(false)])).toThrow(
    /shards 0 and 1 of this attack kept different tensors .*: run this node unsplit \(--shards 1\)/,
  );
});

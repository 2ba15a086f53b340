import { selectBackend } from '@rtlab/backends';
import { Artifact, datasetArtifact, sliceDataset, standaloneContext } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';
import { linearModel } from '@rtlab/plugin-models';
import { apgdL2, apgdLinf } from '../apgd/apgd-norm';
import { attackResultView } from '../attack-result';
import { pgdLinf } from '../pgd/pgd-linf';
import { restartSeed } from '../restarts/best-over-restarts';
import { flatDataset, randomMatrix, sigmaMax } from '../test-support/fixtures';
import { apgdPlugin, ApgdParams } from './apgd-plugin';
import { mergeAttackResults } from './merge-attack-results';
import { pgdPlugin } from './pgd-plugin';

const params = (p: Partial<ApgdParams>): ApgdParams => ({
  objective: 'representation',
  eps: 0.05,
  steps: 30,
  rho: 0.75,
  bounds: [0, 1],
  batchSize: 8,
  saveInputs: false,
  ...p,
});
const losses = (a: Artifact) => Array.from(attackResultView(a).lossAdv);

/** A linear representation on noise images (in Linf, restarts end at different vertices of the box). */
function noiseModel(): { model: Artifact; data: Artifact } {
  const images = Uint8Array.from({ length: 6 * 16 }, (_, i) => ((i * 2654435761) >>> 24) & 0xff);
  return {
    model: linearModel(randomMatrix(16, 5, 8), [4, 4, 1]),
    data: datasetArtifact({ images, imageShape: [4, 4, 1], meta: { name: 'noise' } }),
  };
}

describe.each(['cpu', 'wasm'] as const)('attack/apgd-* on %s', (backend) => {
  beforeAll(() => selectBackend(backend));

  it('L2 on a linear representation: AS_i reaches eps * sigma_max(A) and never exceeds it', async () => {
    const A = randomMatrix(16, 3, 5);
    const r = attackResultView(
      await apgdPlugin(apgdL2).run(
        { model: linearModel(A, [4, 4, 1]), data: flatDataset(6, 4, 4) },
        params({ steps: 100 }),
        standaloneContext(),
      ),
    );
    const expected = 0.05 * sigmaMax(A);
    r.lossAdv.forEach((v) => expect(v / expected).toBeLessThanOrEqual(1 + 1e-5));
    r.lossAdv.forEach((v) => expect(v / expected).toBeGreaterThan(1 - 1e-3));
    expect(r.meta).toMatchObject({ attack: 'apgd-l2', norm: 'l2', objective: 'representation', rho: 0.75 });
  });

  it("restarts keep each sample's best: never below any single restart, equal to the best of them", async () => {
    const before = tf.memory().numTensors;
    const { model, data } = noiseModel();
    const run = (p: Partial<ApgdParams>, seed: number) =>
      apgdPlugin(apgdLinf).run({ model, data }, params({ steps: 6, ...p }), standaloneContext({ seed }));
    const singles: number[][] = [];
    for (let r = 0; r < 3; r++) singles.push(losses(await run({}, restartSeed(9, r))));
    const best = losses(await run({ restarts: 3 }, 9));
    best.forEach((v, i) => {
      singles.forEach((s) => expect(v).toBeGreaterThanOrEqual(s[i]));
      expect(v).toBe(Math.max(...singles.map((s) => s[i])));
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('PGD restarts keep the best too; one restart is the attack without restarts', async () => {
    const { model, data } = noiseModel();
    const pgd = (restarts: number | undefined, seed: number) =>
      pgdPlugin(pgdLinf).run(
        { model, data },
        {
          objective: 'representation',
          eps: 0.05,
          steps: 3,
          randomStart: true,
          bounds: [0, 1],
          batchSize: 8,
          saveInputs: false,
          restarts,
        },
        standaloneContext({ seed }),
      );
    expect(losses(await pgd(1, 4))).toEqual(losses(await pgd(undefined, 4)));
    const singles = [losses(await pgd(undefined, restartSeed(4, 0))), losses(await pgd(undefined, restartSeed(4, 1)))];
    losses(await pgd(2, 4)).forEach((v, i) => expect(v).toBe(Math.max(singles[0][i], singles[1][i])));
  });

  it('shards and batch sizes give the bytes of one run (per-sample starts)', async () => {
    const { model, data } = noiseModel();
    const plugin = apgdPlugin(apgdL2);
    const whole = await plugin.run({ model, data }, params({ steps: 5, restarts: 2 }), standaloneContext({ seed: 2 }));
    const parts: Artifact[] = [];
    for (const [start, end] of [
      [0, 2],
      [2, 6],
    ])
      parts.push(
        await plugin.run(
          { model, data: sliceDataset(data, start, end) },
          params({ steps: 5, restarts: 2, batchSize: 1 }),
          standaloneContext({ seed: 2, firstSample: start }),
        ),
      );
    expect(losses(mergeAttackResults(parts))).toEqual(losses(whole));
  });

  it('dlr needs three classes', async () => {
    const A = randomMatrix(16, 3, 5);
    const model = linearModel(A, [4, 4, 1], { weight: [A[0], A[1]], bias: [0, 0] }, 'classification');
    await expect(
      apgdPlugin(apgdLinf).run(
        { model, data: flatDataset(2, 4, 4) },
        params({ objective: 'dlr' }),
        standaloneContext(),
      ),
    ).rejects.toThrow(/dlr objective needs 3 classes or more, the model's head has 2/);
  });
});

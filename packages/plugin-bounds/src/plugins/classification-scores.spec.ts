import { selectBackend } from '@rtlab/backends';
import { Artifact, datasetArtifact, scoreRows, standaloneContext } from '@rtlab/sdk';
import { attackResultView, pgdL2, pgdPlugin, PgdParams } from '@rtlab/plugin-attacks';
import { linearModel } from '@rtlab/plugin-models';
import { accuracyPlugin } from './accuracy-plugin';
import { theorem2Plugin } from './theorem2-plugin';

// g(x) = A x with orthogonal columns of norms 3, 2, 1 (sigma_max = 3); head W = I, b = 0.
const A = Array.from({ length: 16 }, (_, i) => [i === 0 ? 3 : 0, i === 1 ? 2 : 0, i === 2 ? 1 : 0]);
const model = linearModel(
  A,
  [4, 4, 1],
  {
    weight: [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ],
    bias: [0, 0, 0],
  },
  'classification',
);
model.meta.classes = ['a', 'b', 'c'];
// Every pixel 128/255, label 0: g = (3, 2, 1) * 128/255, so f_0 - f_1 = 128/255 and margin = (128/255) / sqrt(2).
const data = datasetArtifact({
  images: new Uint8Array(6 * 16).fill(128),
  imageShape: [4, 4, 1],
  labels: new Int32Array(6),
  meta: { name: 'flat', classes: ['a', 'b', 'c'] },
});
const MARGIN = 128 / 255 / Math.SQRT2;
const attack = (eps: number, objective: PgdParams['objective']): Promise<Artifact> =>
  pgdPlugin(pgdL2).run(
    { model, data },
    { objective, eps, steps: 60, relStepsize: 0.5, randomStart: true, bounds: [0, 1], batchSize: 6, saveInputs: false },
    standaloneContext({ seed: objective === 'ce' ? 1 : 2 }),
  );

describe.each(['cpu', 'wasm'] as const)('score/theorem2 and score/accuracy on g(x) = A x, on %s', (backend) => {
  beforeAll(() => selectBackend(backend));

  it('eps = 0.05: AS = 3 eps <= margin, every sample certified, and the CE attack flips none (rob. fulfilled 100%)', async () => {
    const scores = await theorem2Plugin.run(
      { ce: await attack(0.05, 'ce'), as: await attack(0.05, 'representation'), model },
      { labels: { eps: 0.05 } },
      standaloneContext(),
    );
    const [row] = scoreRows(scores);
    expect(Array.from(scores.tensors.margins.data)).toEqual(Array(6).fill(expect.closeTo(MARGIN, 5)));
    expect(row).toMatchObject({
      propFulfilled: 1,
      robFulfilled: 1,
      fulfilled: 6,
      violations: [],
      cleanAccuracy: 1,
      robustAccuracy: 1,
      eps: 0.05,
    });
  });

  it('eps = 0.3: AS = 0.9 > margin, nothing certified, and the attack does flip every sample', async () => {
    const ce = await attack(0.3, 'ce');
    const [row] = scoreRows(
      await theorem2Plugin.run(
        { ce, as: await attack(0.3, 'representation'), model },
        { labels: {} },
        standaloneContext(),
      ),
    );
    expect(row).toMatchObject({
      propFulfilled: 0,
      robFulfilled: null,
      fulfilled: 0,
      cleanAccuracy: 1,
      robustAccuracy: 0,
    });
    const [acc] = scoreRows(await accuracyPlugin.run({ ce }, { labels: {} }, standaloneContext()));
    expect(acc).toMatchObject({ cleanAccuracy: 1, robustAccuracy: 0, n: 6 });
    expect(acc.robustCE as number).toBeGreaterThan(acc.cleanCE as number);
    expect(acc.relativeDifference as number).toBeCloseTo(
      ((acc.robustCE as number) - (acc.cleanCE as number)) / (acc.cleanCE as number),
      10,
    );
  });

  it('lists a certified sample that the attack flipped as a violation', async () => {
    const ce = await attack(0.3, 'ce');
    // An AS attack that underestimates AS_i (searched a smaller ball, but reports the same eps): what a violation means.
    const tinyAS = await attack(0.01, 'representation');
    tinyAS.meta.eps = 0.3;
    const scores = await theorem2Plugin.run({ ce, as: tinyAS, model }, { labels: {} }, standaloneContext());
    expect(scoreRows(scores)[0]).toMatchObject({ fulfilled: 6, robFulfilled: 0, violations: [0, 1, 2, 3, 4, 5] });
    // per sample, for the report's plot: AS_i as the AS attack found it, and no sample survived the CE attack
    expect(Array.from(scores.tensors.as.data)).toEqual(Array.from(attackResultView(tinyAS).lossAdv));
    expect(Array.from(scores.tensors.survived.data)).toEqual(Array(6).fill(0));
    expect(scores.meta).toMatchObject({ labels: [], integers: ['fulfilled', 'n'] });
  });

  it('explains a regression attack on its ports', async () => {
    const regression = linearModel(A, [4, 4, 1], { weight: [[1, 0, 0]], bias: [0] }, 'regression', 'y');
    const r = await pgdPlugin(pgdL2).run(
      {
        model: regression,
        data: datasetArtifact({
          images: new Uint8Array(16).fill(1),
          imageShape: [4, 4, 1],
          targets: new Float32Array(1),
          meta: { name: 't', factors: ['y'] },
        }),
      },
      {
        objective: 'regression',
        eps: 0.1,
        steps: 1,
        randomStart: true,
        bounds: [0, 1],
        batchSize: 1,
        saveInputs: false,
      },
      standaloneContext(),
    );
    await expect(accuracyPlugin.run({ ce: r }, { labels: {} }, standaloneContext())).rejects.toThrow(
      /needs an attack on a classification model/,
    );
  });
});

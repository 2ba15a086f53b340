import { selectBackend } from '@rtlab/backends';
import { Artifact, Plugin, scoreRows, standaloneContext } from '@rtlab/sdk';
import { pgdL1, pgdL2, pgdLinf, pgdPlugin, PgdParams } from '@rtlab/plugin-attacks';
import { linearModel } from '@rtlab/plugin-models';
import { attackResult, flatDataset, headModel } from '../test-support/fixtures';
import { asScorePlugin } from './as-score-plugin';
import { lemma1Plugin } from './lemma1-plugin';
import { theorem1Plugin } from './theorem1-plugin';
import { theorem2Plugin } from './theorem2-plugin';

const EPS = 0.05;
const attack = (p: Partial<PgdParams>): PgdParams => ({
  objective: 'representation',
  eps: EPS,
  steps: 60,
  relStepsize: 0.5,
  randomStart: true,
  bounds: [0, 1],
  batchSize: 16,
  saveInputs: false,
  ...p,
});
// A [16, 3] with known singular values: columns are orthogonal with norms 3, 2, 1.
const A = Array.from({ length: 16 }, (_, i) => [i === 0 ? 3 : 0, i === 1 ? 2 : 0, i === 2 ? 1 : 0]);
const W = [[0.5, -1, 2]];

describe.each(['cpu', 'wasm'] as const)('score/lemma1 and score/as-score on g(x) = A x, on %s', (backend) => {
  let model: Artifact;
  let loss: Artifact;
  let as: Artifact;
  beforeAll(async () => {
    await selectBackend(backend);
    const data = flatDataset(12);
    model = linearModel(A, [4, 4, 1], { weight: W, bias: [0.1] }, 'regression', 'y');
    loss = await pgdPlugin(pgdL2).run(
      { model, data },
      attack({ objective: 'regression' }),
      standaloneContext({ seed: 1 }),
    );
    as = await pgdPlugin(pgdL2).run({ model, data }, attack({}), standaloneContext({ seed: 2 }));
  });

  it('as-score on unlabelled data: AS = eps * sigma_max(A) = 3 eps over the L2 ball, per sample and on average', async () => {
    const [row] = scoreRows(await asScorePlugin.run({ as }, { labels: { pre: 'linear' } }, standaloneContext()));
    expect(row.as as number).toBeCloseTo(3 * EPS, 4);
    expect(row.asStd as number).toBeLessThan(1e-4);
    expect(row.pre).toBe('linear');
  });

  it('lemma1: RHS = 3 eps, LHS = eps ||W A||_2 / ||W||_2 <= RHS, with every norm reported', async () => {
    const [row] = scoreRows(await lemma1Plugin.run({ loss, as, model }, { labels: { fov: 'y' } }, standaloneContext()));
    const WA = Math.hypot(0.5 * 3, -1 * 2, 2 * 1);
    const normW = Math.hypot(...W[0]);
    expect(row).toMatchObject({ loss: 'abs-error', L: 1, q: '2', holds: true, fov: 'y', n: 12 });
    expect(row.rhs as number).toBeCloseTo(3 * EPS, 4);
    expect(row.lhs as number).toBeCloseTo((EPS * WA) / normW, 4);
    expect(row.normW2 as number).toBeCloseTo(normW, 5);
    expect(row.normWInf as number).toBeCloseTo(normW, 5);
    expect(row.lossDiff as number).toBeCloseTo(EPS * WA, 4);
  });

  it('lemma1 fails the node when the pointwise Lipschitz bound is violated', async () => {
    const broken = attackResult('regression', [0.1, 0.1], [0.1, 0.9], [0.05, 0.05]);
    const fine = attackResult('representation', [0, 0], [0.05, 0.05], [0.05, 0.05]);
    await expect(
      lemma1Plugin.run({ loss: broken, as: fine, model: headModel([[1, 0, 0]]) }, { labels: {} }, standaloneContext()),
    ).rejects.toThrow(
      /pointwise Lipschitz check failed for 1 of 2 samples \(sample 1: \|dl\| = 0\.800000 > 0\.0500000\)/,
    );
  });

  it('lemma1 uses L = 2 and the max row norm for cross-entropy', async () => {
    const ce = attackResult('ce', [1, 1], [1.5, 1.2], [0.2, 0.1]);
    const rep = attackResult('representation', [0, 0], [0.3, 0.3], [0.3, 0.3]);
    const [row] = scoreRows(
      await lemma1Plugin.run(
        {
          loss: ce,
          as: rep,
          model: headModel([
            [3, 4],
            [0, 1],
          ]),
        },
        { labels: {} },
        standaloneContext(),
      ),
    );
    expect(row).toMatchObject({ loss: 'ce', L: 2, q: 'inf', normW: 5 });
    expect(row.lhs as number).toBeCloseTo(0.35 / (2 * 5), 6);
    expect(row.rhs as number).toBeCloseTo(0.3, 6);
  });

  it('theorem1: bound = L ||W|| AS + B sqrt(ln(1/rho) / 2n)', async () => {
    const ce = attackResult('ce', [1, 1, 1, 1], [1.5, 1.2, 1.1, 1], [0.2, 0.1, 0.1, 0]);
    const rep = attackResult('representation', [0, 0, 0, 0], [0.3, 0.3, 0.3, 0.3], [0.3, 0.3, 0.3, 0.3]);
    const [row] = scoreRows(
      await theorem1Plugin.run(
        {
          loss: ce,
          as: rep,
          model: headModel([
            [3, 4],
            [0, 1],
          ]),
        },
        { B: 4, rho: 0.05, labels: {} },
        standaloneContext(),
      ),
    );
    expect(row.bound as number).toBeCloseTo(2 * 5 * 0.3 + 4 * Math.sqrt(Math.log(20) / 8), 6);
    expect(row.gap as number).toBeCloseTo(0.2, 6);
    expect(row).toMatchObject({ holds: true, lossWithinB: true });
  });

  it('rejects mismatched inputs', async () => {
    const rep = attackResult('representation', [0], [0.3], [0.3]);
    await expect(
      lemma1Plugin.run({ loss: rep, as: rep, model: headModel([[1]]) }, { labels: {} }, standaloneContext()),
    ).rejects.toThrow(/needs a loss attack/);
    await expect(
      lemma1Plugin.run(
        { loss: attackResult('ce', [1, 1], [1, 1], [0, 0]), as: rep, model: headModel([[1]]) },
        { labels: {} },
        standaloneContext(),
      ),
    ).rejects.toThrow(/2 samples, the AS attack 1/);
  });
});

describe('score/as-score at scale', () => {
  it('summarises 300 000 samples (a spread into Math.max overflowed the stack at 200 000)', async () => {
    const n = 300_000;
    const shifts = Array.from({ length: n }, (_, i) => (i % 1000) / 1000);
    shifts[123_456] = 7;
    const big = attackResult('representation', new Array(n).fill(0), shifts, shifts);
    const [row] = scoreRows(await asScorePlugin.run({ as: big }, { labels: {} }, standaloneContext()));
    expect(row.asMax).toBe(7);
    expect(row.n).toBe(n);
    expect(row.as as number).toBeCloseTo(shifts.reduce((a, b) => a + b, 0) / n, 5);
  });
});

describe('bounds need both attacks in one ball', () => {
  // what validation hands checkProducers: each producer's params, and its ball where its plugin declares one
  const plugins: Record<string, Plugin> = {
    'pgd-linf': pgdPlugin(pgdLinf),
    'pgd-l2': pgdPlugin(pgdL2),
    'pgd-l1': pgdPlugin(pgdL1),
  };
  const producer = (id: string, plugin: string, eps: number) => {
    const ball = plugins[plugin]?.ball?.({ eps });
    return { id, kind: 'attack', plugin, params: { eps }, ...(ball ? { ball } : {}) };
  };

  it('validation reports a different norm or eps between the loss and the AS attack, and nothing when they match', () => {
    const check = lemma1Plugin.checkProducers!;
    expect(
      check({
        loss: producer('l', 'pgd-linf', 0.1),
        as: producer('a', 'pgd-linf', 0.1),
        model: producer('m', 'probe', 0),
      }),
    ).toEqual([]);
    expect(
      check({
        loss: producer('l', 'pgd-linf', 0.1),
        as: producer('a', 'pgd-l2', 0.1),
        model: producer('m', 'probe', 0),
      }),
    ).toEqual([expect.stringMatching(/different norms \("l" is pgd-linf in linf, "a" is pgd-l2 in l2\)/)]);
    // a norm rtlab did not know: the bound asks the attack's variant, not its name
    expect(
      check({ loss: producer('l', 'pgd-l1', 0.1), as: producer('a', 'pgd-l2', 0.1), model: producer('m', 'probe', 0) }),
    ).toEqual([expect.stringMatching(/different norms \("l" is pgd-l1 in l1, "a" is pgd-l2 in l2\)/)]);
    expect(
      check({ loss: producer('l', 'pgd-l1', 0.1), as: producer('a', 'pgd-l1', 0.1), model: producer('m', 'probe', 0) }),
    ).toEqual([]);
    expect(
      check({ loss: producer('l', 'pgd-l2', 0.1), as: producer('a', 'pgd-l2', 0.2), model: producer('m', 'probe', 0) }),
    ).toEqual([expect.stringMatching(/different eps \("l" 0.1, "a" 0.2\)/)]);
    expect(
      theorem2Plugin.checkProducers!({
        ce: producer('c', 'pgd-l2', 0.1),
        as: producer('a', 'pgd-linf', 0.1),
        model: producer('m', 'probe', 0),
      }),
    ).toHaveLength(1);
  });

  it('run rejects attack results from different balls', async () => {
    const ce = attackResult('ce', [1], [1.5], [0.3]);
    const rep = attackResult('representation', [0], [0.3], [0.3]);
    Object.assign(ce.meta, { attack: 'my-l2-attack', norm: 'l2' });
    Object.assign(rep.meta, { norm: 'l2' });
    await expect(
      lemma1Plugin.run({ loss: ce, as: rep, model: headModel([[1]]) }, { labels: {} }, standaloneContext()),
    ).resolves.toMatchObject({ type: 'Scores' });
    delete ce.meta.norm;
    delete rep.meta.norm;
    Object.assign(ce.meta, { attack: 'pgd-l2' });
    rep.meta.eps = 0.2;
    await expect(
      lemma1Plugin.run({ loss: ce, as: rep, model: headModel([[1]]) }, { labels: {} }, standaloneContext()),
    ).rejects.toThrow(/port "loss" comes from an attack in pgd-l2 at eps 0.1, port "as" from one in pgd-l2 at eps 0.2/);
  });
});

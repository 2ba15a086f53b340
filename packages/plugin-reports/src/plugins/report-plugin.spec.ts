import { Artifact, scoreMeta, scoresArtifact, standaloneContext } from '@rtlab/sdk';
import { pivotTablePlugin } from './pivot-table-plugin';
import { reportPlugin, ReportParams } from './report-plugin';
import { MAX_POINTS } from '../plots/theorem2-plot';
import { Lemma1Cell, lemma1Figure } from '../plots/lemma1-plot';

const ALL: ReportParams = { title: 'R', plots: ['lemma1', 'theorem2', 'trend', 'training'] };

/** Lemma 1 rows of 2 pretrainings x 3 factors; the second pretraining's LHS is far above its RHS in one cell. */
const lemma1 = scoresArtifact(
  ['random', 'adversarial'].flatMap((pre, p) =>
    ['scale', 'posX', 'posY'].map((fov, f) => ({
      pre,
      fov,
      lhs: 0.001 * 10 ** f * (p + 1),
      rhs: 0.002 * 10 ** f * (p === 1 && f === 2 ? 0.1 : 1),
      n: 500,
    })),
  ),
  {},
  scoreMeta({ pre: '', fov: '' }, ['n']),
);

/** Theorem 2 per sample: margin_i = i / n, AS_i = 0.5; sample 9999 is certified yet flipped (a violation). */
function theorem2(n: number, eps: number, task: string): Artifact {
  const margins = Float32Array.from({ length: n }, (_, i) => i / n);
  const survived = Uint8Array.from({ length: n }, (_, i) => (i === n - 1 || (i < n / 2 && i % 3 === 0) ? 0 : 1));
  return scoresArtifact(
    [
      {
        task,
        strength: `${eps * 255} eps`,
        eps,
        propFulfilled: 0.5,
        robustAccuracy: 1 - eps * 10,
        cleanAccuracy: 0.9,
        n,
        fulfilled: n / 2,
      },
    ],
    {
      margins: { dtype: 'float32', shape: [n], data: margins },
      as: { dtype: 'float32', shape: [n], data: new Float32Array(n).fill(0.5) },
      fulfilled: { dtype: 'uint8', shape: [n], data: Uint8Array.from(margins, (m) => (m >= 0.5 ? 1 : 0)) },
      survived: { dtype: 'uint8', shape: [n], data: survived },
    },
    scoreMeta({ task: '', strength: '' }, ['n', 'fulfilled']),
  );
}

const model = (loss: number[], accuracy?: number[]): Artifact => ({
  type: 'Model',
  meta: { training: { loss, ...(accuracy ? { accuracy } : {}) } },
  tensors: {},
});

describe('report/html', () => {
  let out: Artifact;
  const table = async () =>
    pivotTablePlugin.run(
      { scores: [lemma1] },
      {
        title: 'Tab. 7',
        rows: ['pre'],
        column: 'fov',
        values: [
          { name: 'LHS', field: 'lhs' },
          { name: 'n', field: 'n' },
        ],
        digits: 4,
      },
      standaloneContext(),
    );
  beforeAll(async () => {
    const scores = [
      lemma1,
      theorem2(10_000, 1 / 255, 'cifar10'),
      theorem2(300, 2 / 255, 'cifar10'),
      theorem2(300, 3 / 255, 'cifar10'),
    ];
    const inputNodes = { tables: ['tab7'], scores: ['lemma1', 't2-1', 't2-2', 't2-3'], models: ['probe-a', 'probe-b'] };
    out = await reportPlugin.run(
      { tables: [await table()], scores, models: [model([1, 0.5, 0.25], [0.5, 0.7, 0.9]), model([2, 1])] },
      ALL,
      standaloneContext({ inputNodes }),
    );
  }, 60_000);

  const figure = (id: string) => {
    const html = out.meta.html as string;
    const start = html.indexOf(`<figure data-plot="${id.split('-')[0]}" id="${id}">`);
    return start < 0 ? '' : html.slice(start, html.indexOf('</figure>', start));
  };
  const symbols = (svg: string) =>
    (svg.match(/<g class="mark-symbol[^"]*"[^>]*>(.*?)<\/g>/s)?.[1].match(/<path /g) ?? []).length;

  it('shows the table as stored: its cells, counts without decimals', () => {
    const html = out.meta.html as string;
    expect(html).toContain('<table data-table="tab7">');
    expect(html).toContain('<td class="num">500</td>');
    expect(html).toContain('<td class="num">0.0010</td>');
  });

  it('Lemma 1: one point per cell beside the line LHS = RHS, on log scales as the values span decades', () => {
    const svg = figure('lemma1');
    expect(symbols(svg)).toBe(6);
    expect(svg).toContain('5 lie on or below the line LHS = RHS');
    expect(svg).toContain('log scales');
    const scaleOf = (cells: Lemma1Cell[]) =>
      (lemma1Figure(cells).spec.layer as { encoding: { x: { scale: { type?: string } } } }[])[1].encoding.x.scale.type;
    expect(
      scaleOf([
        { labels: [], lhs: 0.001, rhs: 0.002 },
        { labels: [], lhs: 1, rhs: 2 },
      ]),
    ).toBe('log');
    expect(
      scaleOf([
        { labels: [], lhs: 0.5, rhs: 0.6 },
        { labels: [], lhs: 1, rhs: 2 },
      ]),
    ).toBeUndefined(); // within two decades
    expect(
      scaleOf([
        { labels: [], lhs: -0.001, rhs: 0.002 },
        { labels: [], lhs: 1, rhs: 200 },
      ]),
    ).toBeUndefined(); // a negative gap
  });

  it('Theorem 2: at most MAX_POINTS of 10 000 samples drawn, the violation among them, said in the caption', () => {
    const svg = figure('theorem2-t2-1');
    expect(symbols(svg)).toBe(MAX_POINTS);
    expect(svg).toContain(`${MAX_POINTS} of 10000 samples drawn (a seeded uniform sample, every violation kept)`);
    expect(svg).toContain('1 violation (certified yet flipped');
    // one red circle (certified, flipped): the violation; red triangles are flipped samples that were not certified
    const points = svg.match(/<g class="mark-symbol role-mark[^"]*"[^>]*>(.*?)<\/g>/s)![1].match(/<path [^>]*>/g)!;
    expect(points.filter((p) => p.includes('fill="#d62728"') && /d="M[\d.]+,0A/.test(p))).toHaveLength(1);
    expect(symbols(figure('theorem2-t2-2'))).toBe(300);
  });

  it("scores against eps with rows that lack the strength label (Tab. 8's accuracy at 1 eps): still one line per task", async () => {
    const plain = scoresArtifact(
      [{ task: 'cifar10', eps: 2 / 255, robustAccuracy: 0.5, n: 10 }],
      {},
      scoreMeta({ task: '' }, ['n']),
    );
    const mixed = await reportPlugin.run(
      { scores: [plain, theorem2(300, 2 / 255, 'cifar10'), theorem2(300, 3 / 255, 'cifar10')] },
      { title: 'R', plots: ['trend'] },
      standaloneContext(),
    );
    expect(mixed.meta.html).toContain('Each score against eps, one line per task.');
  });

  it('scores against eps (Tab. 8): the strength label, which only renames eps, is no series', () => {
    const svg = figure('trend-eps');
    expect(svg).toContain('Each score against eps, one line per task.');
    expect(figure('trend-strength')).toBe('');
  });

  it('training curves: loss of both nodes, accuracy where recorded', () => {
    expect(figure('training')).toContain('Mean training loss per epoch and training accuracy of 2 training nodes.');
  });

  it('a PNG of every figure, and a fragment far under 5 MB for 10 000 samples', () => {
    const ids = (out.meta.figures as { id: string }[]).map((f) => f.id);
    expect(ids).toEqual(['lemma1', 'theorem2-t2-1', 'theorem2-t2-2', 'theorem2-t2-3', 'trend-eps', 'training']);
    for (const id of ids) expect(Buffer.from(out.tensors[`png.${id}`].data).subarray(1, 4).toString()).toBe('PNG');
    expect((out.meta.html as string).length).toBeLessThan(2_000_000);
  });

  it("a report of Tab. 8's size (3 tasks x 3 strengths, 10 000 test samples each) stays under 5 MB", async () => {
    const scores = ['cifar10', 'fashion-mnist', 'intel-image'].flatMap((task) =>
      [1, 2, 3].map((k) => theorem2(10_000, k / 255, task)),
    );
    const big = await reportPlugin.run({ scores }, ALL, standaloneContext());
    expect((big.meta.figures as unknown[]).length).toBe(10); // 9 Theorem 2 plots and one against eps
    expect(Buffer.byteLength(big.meta.html as string)).toBeLessThan(5 * 2 ** 20);
  }, 60_000);

  it('draws only the plots asked for, and none without their data', async () => {
    const only = await reportPlugin.run(
      { scores: [lemma1] },
      { title: 'R', plots: ['theorem2', 'training'] },
      standaloneContext(),
    );
    expect(only.meta.figures).toEqual([]);
  });
});

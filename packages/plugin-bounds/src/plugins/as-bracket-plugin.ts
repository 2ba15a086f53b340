import { Artifact, boundsProblems, mean, Plugin, RtlabError, ScoreRow, scoreMeta, scoresArtifact } from '@rtlab/sdk';
import { attackResultView, AttackResultView } from '@rtlab/plugin-attacks';
import { fraction } from './classification-inputs';
import { LABELS_ONLY_PARAMS, LabelsParams } from './labels-params';

/** A column name per attack family and bound method. */
const LOWER_COLUMNS: Record<string, string> = { pgd: 'asPgd', apgd: 'asApgd' };
const UPPER_COLUMNS: Record<string, string> = { ibp: 'asIbp', 'crown-ibp': 'asCrownIbp', crown: 'asCrown' };
const CERTIFIED_COLUMNS: Record<string, string> = { ibp: 'certIbp', 'crown-ibp': 'certCrownIbp', crown: 'certCrown' };

interface BoundsView {
  asUpper: Float32Array;
  marginLower?: Float32Array;
  marginClean?: Float32Array;
  meta: Artifact['meta'];
}

function boundsView(a: Artifact): BoundsView {
  if (a.type !== 'Bounds') throw new RtlabError('input', `port "upper" expects Bounds, got ${a.type}`);
  const problems = boundsProblems(a);
  if (problems.length)
    throw new RtlabError('input', `port "upper": Bounds that break their contract: ${problems.join('; ')}`);
  const t = (name: string) => a.tensors[name]?.data as Float32Array | undefined;
  return { asUpper: t('asUpper')!, marginLower: t('marginLower'), marginClean: t('marginClean'), meta: a.meta };
}

/** The ball every input searched or bounded must be the same one. */
function checkOneBall(lower: AttackResultView[], upper: BoundsView[]): { norm: string; eps: number } {
  const balls = [...lower.map((l) => l.meta), ...upper.map((u) => u.meta)].map((m) => ({
    norm: String(m.norm),
    eps: Number(m.eps),
  }));
  const odd = balls.find((b) => b.norm !== balls[0].norm || b.eps !== balls[0].eps);
  if (odd)
    throw new RtlabError(
      'input',
      `as-bracket needs one ball: got ${balls[0].norm} at eps ${balls[0].eps} and ${odd.norm} at eps ${odd.eps}`,
    );
  return balls[0];
}

const shareWhere = (n: number, test: (i: number) => boolean) => fraction([...Array(n).keys()].filter(test).length, n);

/**
 * `score/as-bracket`: AS bracketed. From below, the representation attacks (PGD, APGD: estimates of the
 * supremum); from above, the bounds (IBP, CROWN-IBP, CROWN: sound). Per sample the bracket is
 * [max over attacks, min over bounds]. For classifiers, Theorem 2's certified share with the estimated
 * AS_i (today's table), with the sound AS_i ("proven"), and the share each bound certifies directly.
 */
export const asBracketPlugin: Plugin<LabelsParams> = {
  kind: 'score',
  name: 'as-bracket',
  version: '1.1.0', // 1.1.0: crownIbpLayers also when 0, printed as an integer
  description:
    'AS from below (PGD, APGD) and above (IBP, CROWN-IBP, CROWN) in one row, the gap, and for classifiers Theorem 2 certified by the estimate, by the sound AS_i, and by margin bounds.',
  params: LABELS_ONLY_PARAMS,
  inputs: {
    lower: { type: 'AttackResult', many: true, description: 'representation attacks (pgd-*, apgd-*) on the data' },
    upper: {
      type: 'Bounds',
      many: true,
      description: 'bounds (bound/ibp, crown-ibp, crown) on the same data and ball',
    },
  },
  output: 'Scores',
  async run(inputs, p) {
    const lower = (inputs.lower as Artifact[]).map((a) => attackResultView(a));
    const upper = (inputs.upper as Artifact[]).map(boundsView);
    const bad = lower.find((l) => l.meta.objective !== 'representation');
    if (bad)
      throw new RtlabError('input', `port "lower" needs representation attacks, got objective "${bad.meta.objective}"`);
    const n = lower[0].count;
    if ([...lower.map((l) => l.count), ...upper.map((u) => u.asUpper.length)].some((c) => c !== n))
      throw new RtlabError('input', 'as-bracket needs every attack and bound on the same samples');
    const ball = checkOneBall(lower, upper);
    const row: ScoreRow = { ...p.labels, norm: ball.norm, eps: ball.eps, n };
    const column = (table: Record<string, string>, key: string, port: string) => {
      if (!table[key])
        throw new RtlabError(
          'input',
          `port "${port}": no column for "${key}" (known: ${Object.keys(table).join(', ')})`,
        );
      return table[key];
    };
    for (const l of lower)
      row[column(LOWER_COLUMNS, String(l.meta.attack).split('-')[0], 'lower')] = mean(l.repDistance);
    for (const u of upper) {
      row[column(UPPER_COLUMNS, String(u.meta.asMethod), 'upper')] = mean(u.asUpper);
      row[`${column(UPPER_COLUMNS, String(u.meta.asMethod), 'upper')}Seconds`] = Number(u.meta.seconds ?? 0);
      if (u.meta.ibpLayers !== undefined) row.crownIbpLayers = Number(u.meta.ibpLayers);
    }
    const asLower = Float32Array.from({ length: n }, (_, i) => Math.max(...lower.map((l) => l.repDistance[i])));
    const asUpper = Float32Array.from({ length: n }, (_, i) => Math.min(...upper.map((u) => u.asUpper[i])));
    Object.assign(row, {
      asLower: mean(asLower),
      asUpper: mean(asUpper),
      gap: mean(asUpper) / Math.max(mean(asLower), 1e-30),
    });
    const margin = upper.find((u) => u.marginClean)?.marginClean;
    if (margin) {
      row.certifiedEstimate = shareWhere(n, (i) => margin[i] > 0 && asLower[i] <= margin[i]);
      row.certifiedProven = shareWhere(n, (i) => margin[i] > 0 && asUpper[i] <= margin[i]);
      for (const u of upper)
        if (u.marginLower)
          row[column(CERTIFIED_COLUMNS, String(u.meta.marginMethod), 'upper')] = shareWhere(
            n,
            (i) => u.marginLower![i] > 0,
          );
    }
    return scoresArtifact(
      [row],
      {
        asLower: { dtype: 'float32', shape: [n], data: asLower },
        asUpper: { dtype: 'float32', shape: [n], data: asUpper },
      },
      scoreMeta(p.labels, ['n', 'crownIbpLayers']),
    );
  },
};

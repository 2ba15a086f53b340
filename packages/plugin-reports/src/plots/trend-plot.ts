import { ScoreRow } from '@rtlab/sdk';
import { facetedLines, LinePoint } from './faceted-lines';
import { Figure, figureId } from './figure';

/** A score row with the label columns its node declared. */
export interface LabelledRow {
  row: ScoreRow;
  labels: string[];
}

/** Figures plotted against a numeric key, with their shown names. */
const MEASURES: Record<string, string> = {
  robustAccuracy: 'robust acc.',
  propFulfilled: 'prop. fulfilled',
  cleanAccuracy: 'clean acc.',
  as: 'AS',
  asLower: 'AS from below (attacks)',
  asUpper: 'AS from above (bounds)',
  lhs: 'LHS',
  rhs: 'RHS',
  cleanCE: 'clean CE',
  robustCE: 'robust CE',
};

const unique = <T>(xs: T[]) => [...new Set(xs)];

/**
 * Scores against every numeric key that varies: a label whose values are numbers (severity, input size,
 * weight decay) or the attack's eps (Tab. 8's 1, 2, 3 eps). Series are the other labels, except those
 * that only rename the key (a "strength" label beside eps).
 */
export function trendFigures(rows: LabelledRow[]): Figure[] {
  const keys = unique(rows.flatMap((r) => [...r.labels, 'eps']));
  return keys.flatMap((key) => {
    const withKey = rows.filter((r) => typeof r.row[key] === 'number' && (key === 'eps' || r.labels.includes(key)));
    if (unique(withKey.map((r) => r.row[key])).length < 2) return [];
    const seriesLabels = unique(withKey.flatMap((r) => r.labels)).filter((l) => l !== key && !renames(withKey, l, key));
    const points = new Map<string, LinePoint>();
    for (const { row } of withKey) {
      const series = seriesLabels.map((l) => String(row[l] ?? '')).join(' · ') || 'all';
      for (const [field, name] of Object.entries(MEASURES)) {
        const value = row[field];
        const id = [series, row[key], name].join('\u0000');
        if (typeof value === 'number' && !points.has(id))
          points.set(id, { x: row[key] as number, series, measure: name, value });
      }
    }
    const values = [...points.values()];
    const varies = unique(values.map((p) => `${p.series}\u0000${p.measure}`)).some(
      (s) => values.filter((p) => `${p.series}\u0000${p.measure}` === s).length > 1,
    );
    if (!varies) return [];
    return [
      {
        id: figureId('trend', key),
        kind: 'trend' as const,
        title: `Scores against ${key}`,
        caption: `Each score against ${key}${seriesLabels.length ? `, one line per ${seriesLabels.join(' and ')}` : ''}.`,
        spec: facetedLines(values, { title: key, width: 220 }),
      },
    ];
  });
}

/** Whether label `l` and `key` determine each other where `l` is given (a strength label "2 eps" beside eps = 2/255). */
function renames(rows: LabelledRow[], l: string, key: string): boolean {
  const labelled = rows.filter((r) => r.row[l] !== undefined);
  const pairs = unique(labelled.map((r) => `${String(r.row[l])}\u0000${String(r.row[key])}`));
  return (
    pairs.length === unique(labelled.map((r) => String(r.row[l]))).length &&
    pairs.length === unique(labelled.map((r) => String(r.row[key]))).length
  );
}

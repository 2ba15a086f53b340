import { RtlabError, ScoreRow } from '@rtlab/sdk';
import { TableModel } from './table-model';

/** How `pivot` lays score rows out: row labels, the column label, the values and their digits. */
export interface PivotSpec {
  title: string;
  /** Label columns that identify a table row, e.g. ["pre", "attack"]. */
  rows: string[];
  /** Label whose values become the columns, e.g. "fov"; omitted: one column per value spec. */
  column?: string;
  /** Figures shown: a table row per (row labels, value) with a column per `column` value. */
  values: { name: string; field: string }[];
  digits: number;
}

/** A cell's text: `integer` for counts (samples, certified samples, epochs), which print without decimals. */
export function formatCell(v: unknown, digits: number, integer = false): string {
  if (v === undefined || v === null) return '–';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'number' && integer && Number.isInteger(v)) return String(v);
  if (typeof v === 'number') return Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(digits) : v.toExponential(2);
  return String(v);
}

const unique = (xs: string[]) => [...new Set(xs)];

/**
 * Rows grouped by `rows` labels (first appearance order), one table row per value spec, columns from
 * the `column` label: the layout of the paper's Tab. 7 (pretraining x attack x {LHS, RHS} by factor).
 * Score rows with the same labels merge: each figure comes from the first row that has its field
 * (so an accuracy row and an AS row of one task fill one table row, as in Tab. 4).
 */
export function pivot(data: ScoreRow[], s: PivotSpec, integers: ReadonlySet<string> = new Set()): TableModel {
  const cell = (v: unknown, field: string) => formatCell(v, s.digits, integers.has(field));
  for (const key of [...s.rows, ...(s.column ? [s.column] : [])]) {
    const missing = data.findIndex((r) => !Object.hasOwn(r, key));
    if (missing >= 0)
      throw new RtlabError(
        'input',
        `score row ${missing} has no label "${key}"; give the score node labels: {"${key}": ...}`,
      );
  }
  const id = (r: ScoreRow) => s.rows.map((k) => String(r[k])).join('\u0000');
  const groups = unique(data.map(id));
  if (!s.column) {
    return {
      title: s.title,
      labelColumns: s.rows.length,
      header: [...s.rows, ...s.values.map((v) => v.name)],
      rows: groups.map((g) => {
        const inGroup = data.filter((x) => id(x) === g);
        return [
          ...s.rows.map((k) => String(inGroup[0][k])),
          ...s.values.map((v) => cell(inGroup.find((r) => Object.hasOwn(r, v.field))?.[v.field], v.field)),
        ];
      }),
    };
  }
  const columns = unique(data.map((r) => String(r[s.column!])));
  const rows = groups.flatMap((g) =>
    s.values.map((v) => {
      const inGroup = data.filter((r) => id(r) === g);
      const labels = s.rows.map((k) => String(inGroup[0][k]));
      return [
        ...labels,
        v.name,
        ...columns.map((c) =>
          cell(inGroup.find((r) => String(r[s.column!]) === c && Object.hasOwn(r, v.field))?.[v.field], v.field),
        ),
      ];
    }),
  );
  return { title: s.title, labelColumns: s.rows.length + 1, header: [...s.rows, '', ...columns], rows };
}

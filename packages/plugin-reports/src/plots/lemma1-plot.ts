import { ScoreRow } from '@rtlab/sdk';
import { CONFIG, Figure, SCHEMA, spansDecades } from './figure';

/** A Lemma 1 cell: the labels that name it and its two sides. */
export interface Lemma1Cell {
  labels: string[];
  lhs: number;
  rhs: number;
}

/** The score rows that carry both sides of Lemma 1, with their label values (row order kept). */
export function lemma1Cells(rows: { row: ScoreRow; labels: string[] }[]): Lemma1Cell[] {
  return rows
    .filter(({ row }) => typeof row.lhs === 'number' && typeof row.rhs === 'number')
    .map(({ row, labels }) => ({
      labels: labels.map((l) => String(row[l])),
      lhs: row.lhs as number,
      rhs: row.rhs as number,
    }));
}

/**
 * LHS against RHS for every cell, with the line LHS = RHS: the lemma holds where a point lies on or
 * below it. Colour and shape are the cell's first two labels; log scales when both sides span decades.
 */
export function lemma1Figure(cells: Lemma1Cell[]): Figure {
  const values = cells.flatMap((c) => [c.lhs, c.rhs]);
  const log = spansDecades(values);
  const scale = log ? { type: 'log' } : { zero: false };
  const [lo, hi] = [Math.min(...values), Math.max(...values)];
  const points = cells.map((c) => ({
    lhs: c.lhs,
    rhs: c.rhs,
    first: c.labels[0] ?? 'cell',
    second: c.labels[1] ?? '',
    holds: c.lhs <= c.rhs ? 'holds' : 'violated',
  }));
  const below = points.filter((p) => p.holds === 'holds').length;
  return {
    id: 'lemma1',
    kind: 'lemma1',
    title: 'Lemma 1: LHS against RHS',
    caption: `${cells.length} cells; ${below} lie on or below the line LHS = RHS (the lemma holds there)${log ? '; log scales' : ''}.`,
    spec: {
      $schema: SCHEMA,
      config: CONFIG,
      width: 380,
      height: 320,
      layer: [
        {
          data: { values: [{ v: lo }, { v: hi }] },
          mark: { type: 'line', color: '#777', strokeDash: [5, 4] },
          encoding: { x: { field: 'v', type: 'quantitative', scale }, y: { field: 'v', type: 'quantitative', scale } },
        },
        {
          data: { values: points },
          mark: { type: 'point', filled: true, size: 70, opacity: 0.85 },
          encoding: {
            x: { field: 'rhs', type: 'quantitative', title: 'RHS = AS(g, D)', scale },
            y: { field: 'lhs', type: 'quantitative', title: 'LHS = mean loss gap / (L ||W||)', scale },
            color: { field: 'first', type: 'nominal', title: null },
            shape: { field: 'second', type: 'nominal', title: null },
          },
        },
      ],
    },
  };
}

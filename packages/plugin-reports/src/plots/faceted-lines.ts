import { CONFIG, SCHEMA, VegaLiteSpec } from './figure';

/** A point of a faceted line plot: one panel per `measure`, one line per `series`. */
export interface LinePoint {
  x: number;
  value: number;
  measure: string;
  series: string;
}

/** One small line plot per measure side by side, each with its own y scale, one coloured line per series. */
export function facetedLines(
  values: LinePoint[],
  x: { title: string; width: number; integer?: boolean },
): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    config: CONFIG,
    data: { values },
    facet: { column: { field: 'measure', type: 'nominal', title: null } },
    spec: {
      width: x.width,
      height: 200,
      mark: { type: 'line', point: true },
      encoding: {
        x: {
          field: 'x',
          type: 'quantitative',
          title: x.title,
          scale: { zero: false },
          ...(x.integer ? { axis: { tickMinStep: 1 } } : {}),
        },
        y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
        color: { field: 'series', type: 'nominal', title: null },
      },
    },
    resolve: { scale: { y: 'independent' } },
  };
}

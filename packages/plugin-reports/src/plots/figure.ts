/** A Vega-Lite specification (https://vega.github.io/vega-lite/): plain JSON, data included. */
export type VegaLiteSpec = Record<string, unknown>;

/** One plot of a report: what it shows, how it was reduced, and its Vega-Lite specification. */
export interface Figure {
  /** Unique within a report; also the PNG's file name. */
  id: string;
  kind: 'lemma1' | 'theorem2' | 'trend' | 'training';
  title: string;
  caption: string;
  spec: VegaLiteSpec;
}

export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** Shared settings: no per-mark ARIA labels (they would triple a scatter plot's bytes; captions say what a plot shows). */
export const CONFIG = { aria: false, font: 'DejaVu Sans, Helvetica, Arial, sans-serif' };

/** Whether positive values spanning this range read better on a log scale (more than two decades). */
export function spansDecades(values: number[]): boolean {
  const positive = values.filter((v) => v > 0);
  return (
    positive.length === values.length && positive.length > 0 && Math.max(...positive) / Math.min(...positive) > 100
  );
}

/** A file-name-safe id from parts. */
export function figureId(...parts: string[]): string {
  return parts.join('-').replace(/[^A-Za-z0-9_-]+/g, '_');
}

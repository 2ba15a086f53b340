import { RtlabError } from '../errors/rtlab-error';
import { Artifact, HostTensor, JsonValue } from './artifact';

/** A row of a Scores artifact: label columns (from a node's `labels` param) and computed figures. */
export type ScoreRow = { [column: string]: JsonValue };

/** The Scores artifact: `meta.rows` for tables, optional per-sample tensors. */
export function scoresArtifact(
  rows: ScoreRow[],
  tensors: Record<string, HostTensor> = {},
  meta: Artifact['meta'] = {},
): Artifact {
  const artifact: Artifact = { type: 'Scores', meta: { ...meta, rows }, tensors };
  const problems = scoresProblems(artifact);
  if (problems.length) throw new RtlabError('plugin', `not a valid Scores artifact: ${problems.join('; ')}`);
  return artifact;
}

/** Every way an artifact breaks the Scores contract: meta.rows, a list of rows (objects of column -> value). */
export function scoresProblems(a: Artifact): string[] {
  const rows = a.meta?.rows;
  if (!Array.isArray(rows)) return ['meta.rows must be a list of rows'];
  const bad = rows.findIndex((r) => r === null || typeof r !== 'object' || Array.isArray(r));
  return bad >= 0 ? [`meta.rows[${bad}] must be an object of column -> value, got ${JSON.stringify(rows[bad])}`] : [];
}

/** A Scores artifact's rows (meta.rows); throws when it is not one. */
export function scoreRows(a: Artifact): ScoreRow[] {
  if (a.type !== 'Scores' || !Array.isArray(a.meta.rows))
    throw new RtlabError('input', `expected a Scores artifact with meta.rows, got ${a.type}`);
  return a.meta.rows as ScoreRow[];
}

/**
 * What a report needs to know of a score node's rows: which columns are labels (matrix values, e.g. a
 * severity to plot against) and which figures are counts (printed as integers, not as 500.0000).
 */
export function scoreMeta(labels: Record<string, unknown>, integers: string[]): Artifact['meta'] {
  return { labels: Object.keys(labels), integers };
}

/** The label and integer columns a Scores artifact declares (see scoreMeta); none for older entries. */
export function scoreColumns(a: Artifact): { labels: string[]; integers: string[] } {
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return { labels: list(a.meta.labels), integers: list(a.meta.integers) };
}

/** The `labels` param every score plugin takes: columns copied into its rows (e.g. {"pre": "{pre}"}). */
export const LABELS_PARAM = {
  type: 'object',
  additionalProperties: { type: ['string', 'number', 'boolean'] },
  default: {},
  description: 'Label columns copied into every row, usually matrix values: {"pre": "{pre}", "fov": "{fov}"}.',
} as const;

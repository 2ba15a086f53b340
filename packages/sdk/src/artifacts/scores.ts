import { RtlabError } from '../errors/rtlab-error';
import { Artifact, HostTensor, JsonValue } from './artifact';

/** A row of a Scores artifact: label columns (from a node's `labels` param) and computed figures. */
export type ScoreRow = { [column: string]: JsonValue };

/** The Scores artifact: `meta.rows` for tables, optional per-sample tensors. */
export function scoresArtifact(rows: ScoreRow[], tensors: Record<string, HostTensor> = {}, meta: Artifact['meta'] = {}): Artifact {
  return { type: 'Scores', meta: { ...meta, rows }, tensors };
}

export function scoreRows(a: Artifact): ScoreRow[] {
  if (a.type !== 'Scores' || !Array.isArray(a.meta.rows)) throw new RtlabError('input', `expected a Scores artifact with meta.rows, got ${a.type}`);
  return a.meta.rows as ScoreRow[];
}

/** The `labels` param every score plugin takes: columns copied into its rows (e.g. {"pre": "{pre}"}). */
export const LABELS_PARAM = {
  type: 'object',
  additionalProperties: { type: ['string', 'number', 'boolean'] },
  default: {},
  description: 'Label columns copied into every row, usually matrix values: {"pre": "{pre}", "fov": "{fov}"}.',
} as const;

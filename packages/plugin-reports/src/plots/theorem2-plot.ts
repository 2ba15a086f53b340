import { Artifact, SeededRng } from '@rtlab/sdk';
import { CONFIG, Figure, figureId, SCHEMA } from './figure';

/** Points drawn per plot at most: a report of 10 000 samples stays a few hundred KB per plot. */
export const MAX_POINTS = 1000;

/** Whether a Scores artifact carries Theorem 2's per-sample margins, AS_i, certificates and survival. */
export function hasTheorem2Samples(a: Artifact): boolean {
  const n = a.tensors.margins?.shape[0];
  return n !== undefined && ['as', 'fulfilled', 'survived'].every((t) => a.tensors[t]?.shape[0] === n);
}

/**
 * Per sample, margin_i against AS_i, the certified region (margin > 0 and AS_i <= margin) shaded, each
 * point marked by whether the sample survived the CE attack: a certified point that did not survive is
 * a violation. Above MAX_POINTS samples, a seeded uniform sample is drawn, keeping every violation
 * (see sampleIndices), and the caption says so.
 */
export function theorem2Figure(nodeId: string, a: Artifact): Figure {
  const margins = a.tensors.margins.data;
  const as = a.tensors.as.data;
  const survived = a.tensors.survived.data;
  const fulfilled = a.tensors.fulfilled.data;
  const n = margins.length;
  const certified = (i: number) => fulfilled[i] === 1; // as the score decided it (in float64), not from the stored float32 margins
  const violation = (i: number) => certified(i) && !survived[i];
  const shown = sampleIndices(n, violation);
  const points = shown.map((i) => ({
    margin: margins[i],
    as: as[i],
    attack: survived[i] ? 'survived' : 'flipped',
    status: certified(i) ? 'certified' : 'not certified',
  }));
  const widest = Math.max(...shown.map((i) => margins[i]));
  const violations = [...Array(n).keys()].filter(violation).length;
  const reduced =
    shown.length < n
      ? `; ${shown.length} of ${n} samples drawn (a seeded uniform sample${violations <= MAX_POINTS ? ', every violation kept' : ' of the violations'})`
      : '';
  return {
    id: figureId(nodeId.startsWith('theorem2') ? nodeId : `theorem2-${nodeId}`),
    kind: 'theorem2',
    title: `Theorem 2: ${nodeId}`,
    caption: `margin_i against AS_i per sample; shaded: certified (margin_i > 0 and AS_i <= margin_i). ${violations} violation${violations === 1 ? '' : 's'} (certified yet flipped by the CE attack)${reduced}.`,
    spec: {
      $schema: SCHEMA,
      config: CONFIG,
      width: 380,
      height: 320,
      layer: [
        // the certified region over the margins drawn: 0 <= AS_i <= margin_i (none when no margin is positive)
        ...(widest > 0
          ? [
              {
                data: {
                  values: [
                    { x: 0, y: 0 },
                    { x: widest, y: widest },
                  ],
                },
                mark: { type: 'area', color: '#2a9d8f', opacity: 0.18 },
                encoding: {
                  x: { field: 'x', type: 'quantitative' },
                  y: { field: 'y', type: 'quantitative' },
                  y2: { datum: 0 },
                },
              },
            ]
          : []),
        {
          data: { values: points },
          mark: { type: 'point', filled: true, size: 22, opacity: 0.75 },
          encoding: {
            x: { field: 'margin', type: 'quantitative', title: 'margin_i' },
            y: { field: 'as', type: 'quantitative', title: 'AS_i' },
            color: {
              field: 'attack',
              type: 'nominal',
              title: 'CE attack',
              scale: { domain: ['survived', 'flipped'], range: ['#1f77b4', '#d62728'] },
            },
            shape: {
              field: 'status',
              type: 'nominal',
              title: null,
              scale: { domain: ['certified', 'not certified'], range: ['circle', 'triangle-up'] },
            },
          },
        },
      ],
    },
  };
}

/**
 * All indices up to MAX_POINTS; beyond, every `keep` index (or a seeded sample of them, when they alone
 * exceed MAX_POINTS) plus a seeded uniform sample of the rest, in order.
 */
function sampleIndices(n: number, keep: (i: number) => boolean): number[] {
  if (n <= MAX_POINTS) return [...Array(n).keys()];
  const draw = (from: number[], count: number) =>
    Array.from(new SeededRng(n + from.length).permutation(from.length).subarray(0, count), (j) => from[j]);
  const kept = [...Array(n).keys()].filter(keep);
  const rest = [...Array(n).keys()].filter((i) => !keep(i));
  const chosen = kept.length > MAX_POINTS ? draw(kept, MAX_POINTS) : [...kept, ...draw(rest, MAX_POINTS - kept.length)];
  return chosen.sort((a, b) => a - b);
}

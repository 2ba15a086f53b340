import { Artifact } from '@rtlab/sdk';
import { facetedLines } from './faceted-lines';
import { Figure } from './figure';

/** The per-epoch history a training node recorded in its Model (`meta.training`), if any. */
export function trainingHistory(a: Artifact): Record<string, number[]> | undefined {
  const t = a.meta.training;
  if (!t || typeof t !== 'object' || Array.isArray(t) || !Array.isArray(t.loss)) return undefined;
  return Object.fromEntries(
    Object.entries(t).filter(([, v]) => Array.isArray(v) && v.every((x) => typeof x === 'number')),
  ) as Record<string, number[]>;
}

/** Loss (and accuracy, where recorded) per epoch of every pretraining, probing or fine-tuning node. */
export function trainingFigure(histories: { node: string; history: Record<string, number[]> }[]): Figure {
  const values = histories.flatMap(({ node, history }) =>
    Object.entries(history).flatMap(([measure, ys]) =>
      ys.map((value, i) => ({ series: node, measure, x: i + 1, value })),
    ),
  );
  return {
    id: 'training',
    kind: 'training',
    title: 'Training',
    caption: `Mean training loss per epoch${values.some((v) => v.measure === 'accuracy') ? ' and training accuracy' : ''} of ${histories.length} training node${histories.length === 1 ? '' : 's'}.`,
    spec: facetedLines(values, { title: 'epoch', width: 260, integer: true }),
  };
}

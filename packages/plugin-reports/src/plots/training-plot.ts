import { Artifact } from '@rtlab/sdk';
import { CONFIG, Figure, SCHEMA } from './figure';

/** The per-epoch history a training node recorded in its Model (`meta.training`), if any. */
export function trainingHistory(a: Artifact): Record<string, number[]> | undefined {
  const t = a.meta.training;
  if (!t || typeof t !== 'object' || Array.isArray(t) || !Array.isArray(t.loss)) return undefined;
  return Object.fromEntries(Object.entries(t).filter(([, v]) => Array.isArray(v) && v.every((x) => typeof x === 'number'))) as Record<string, number[]>;
}

/** Loss (and accuracy, where recorded) per epoch of every pretraining, probing or fine-tuning node. */
export function trainingFigure(histories: { node: string; history: Record<string, number[]> }[]): Figure {
  const values = histories.flatMap(({ node, history }) => Object.entries(history).flatMap(([measure, ys]) => ys.map((value, i) => ({ node, measure, epoch: i + 1, value }))));
  return {
    id: 'training', kind: 'training', title: 'Training',
    caption: `Mean training loss per epoch${values.some((v) => v.measure === 'accuracy') ? ' and training accuracy' : ''} of ${histories.length} training node${histories.length === 1 ? '' : 's'}.`,
    spec: {
      $schema: SCHEMA, config: CONFIG, data: { values },
      facet: { column: { field: 'measure', type: 'nominal', title: null } },
      spec: {
        width: 260, height: 200,
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } },
          y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
          color: { field: 'node', type: 'nominal', title: null },
        },
      },
      resolve: { scale: { y: 'independent' } },
    },
  };
}

import { Artifact, scoreColumns, scoreRows } from '@rtlab/sdk';
import { Figure } from '../plots/figure';
import { lemma1Cells, lemma1Figure } from '../plots/lemma1-plot';
import { hasTheorem2Samples, theorem2Figure } from '../plots/theorem2-plot';
import { trainingFigure, trainingHistory } from '../plots/training-plot';
import { trendFigures } from '../plots/trend-plot';

export const PLOT_KINDS = ['lemma1', 'theorem2', 'trend', 'training'] as const;
export type PlotKind = (typeof PLOT_KINDS)[number];

/** An artifact and the id of the node that made it. */
export interface NodeArtifact {
  node: string;
  artifact: Artifact;
}

/** The plots the data support, of the kinds asked for: each only where its data exist. */
export function reportFigures(scores: NodeArtifact[], models: NodeArtifact[], kinds: ReadonlySet<PlotKind>): Figure[] {
  const rows = scores.flatMap(({ artifact }) =>
    scoreRows(artifact).map((row) => ({ row, labels: scoreColumns(artifact).labels })),
  );
  const figures: Figure[] = [];
  const cells = lemma1Cells(rows);
  if (kinds.has('lemma1') && cells.length) figures.push(lemma1Figure(cells));
  if (kinds.has('theorem2'))
    figures.push(
      ...scores.filter((s) => hasTheorem2Samples(s.artifact)).map((s) => theorem2Figure(s.node, s.artifact)),
    );
  if (kinds.has('trend')) figures.push(...trendFigures(rows));
  const histories = models.flatMap(({ node, artifact }) => {
    const history = trainingHistory(artifact);
    return history ? [{ node, history }] : [];
  });
  if (kinds.has('training') && histories.length) figures.push(trainingFigure(histories));
  return unique(figures);
}

/** Figures with ids made unique (two node ids may sanitise alike): a taken id gets the first free "-2", "-3", ... */
export function unique(figures: Figure[]): Figure[] {
  const taken = new Set<string>();
  return figures.map((f) => {
    let id = f.id;
    for (let n = 2; taken.has(id); n++) id = `${f.id}-${n}`;
    taken.add(id);
    return id === f.id ? f : { ...f, id };
  });
}

import { Artifact, concatRows, mean, RtlabError } from '@rtlab/sdk';

/**
 * The AttackResult of the whole dataset from those of consecutive shards: tensors concatenated, the
 * count and the means computed again from the merged arrays, exactly as one run computes them.
 */
export function mergeAttackResults(parts: Artifact[]): Artifact {
  const names = (a: Artifact) => Object.keys(a.tensors).sort().join(', ');
  const odd = parts.findIndex((p) => names(p) !== names(parts[0]));
  // predictions are kept where the labels a shard sees fit the head: shards of a dataset sorted by class can differ
  if (odd >= 0)
    throw new RtlabError(
      'plugin',
      `shards 0 and ${odd} of this attack kept different tensors (${names(parts[0])}; ${names(parts[odd])}), as their labels fit the head differently: run this node unsplit (--shards 1)`,
    );
  const tensors = Object.fromEntries(
    Object.keys(parts[0].tensors).map((name) => [name, concatRows(parts.map((p) => p.tensors[name]))]),
  );
  const values = (name: string) => tensors[name].data as Float32Array;
  return {
    type: 'AttackResult',
    meta: {
      ...parts[0].meta,
      count: tensors.lossAdv.shape[0],
      meanLossClean: mean(values('lossClean')),
      meanLossAdv: mean(values('lossAdv')),
      meanRepDistance: mean(values('repDistance')),
    },
    tensors,
  };
}

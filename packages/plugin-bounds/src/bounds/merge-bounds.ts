import { Artifact, concatRows, mean } from '@rtlab/sdk';

/**
 * The Bounds of the whole dataset from those of consecutive shards: per-sample tensors concatenated,
 * the mean AS upper bound computed again, the seconds summed and the layers full CROWN left at IBP the
 * most any shard left.
 */
export function mergeBounds(parts: Artifact[]): Artifact {
  const tensors = Object.fromEntries(
    Object.keys(parts[0].tensors).map((name) => [name, concatRows(parts.map((p) => p.tensors[name]))]),
  );
  const sum = (key: string) => parts.reduce((s, p) => s + Number(p.meta[key] ?? 0), 0);
  return {
    type: 'Bounds',
    meta: {
      ...parts[0].meta,
      count: tensors.asUpper.shape[0],
      meanAsUpper: mean(tensors.asUpper.data as Float32Array),
      seconds: sum('seconds'),
      ...(parts[0].meta.ibpLayers !== undefined
        ? { ibpLayers: Math.max(...parts.map((p) => Number(p.meta.ibpLayers))) }
        : {}),
    },
    tensors,
  };
}

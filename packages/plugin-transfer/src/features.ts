import { Artifact, DatasetView, featuresArtifact, featuresProblems, RtlabError } from '@rtlab/sdk';

/** The Features artifact: g(x) [N, m] of a dataset, with its targets and labels carried along. */
export interface FeaturesView {
  count: number;
  dim: number;
  features: Float32Array;
  targets?: Float32Array;
  labels?: Int32Array;
  factors: string[];
  classes: string[];
}

/** The Features of a dataset: g(x) of its samples, with its labels, targets and their names carried along. */
export function featuresOfDataset(
  features: Float32Array,
  dim: number,
  data: DatasetView,
  meta: Artifact['meta'],
): Artifact {
  return featuresArtifact({
    features,
    dim,
    labels: data.labels,
    targets: data.targets,
    meta: { ...meta, dataset: data.meta.name, factors: data.meta.factors ?? [], classes: data.meta.classes ?? [] },
  });
}

/** Reads a Features artifact, checking it against its contract; throws naming what is wrong. */
export function featuresView(a: Artifact): FeaturesView {
  if (a.type !== 'Features') throw new RtlabError('input', `expected a Features artifact, got ${a.type}`);
  const problems = featuresProblems(a);
  if (problems.length)
    throw new RtlabError('input', `a Features artifact that breaks its contract: ${problems.join('; ')}`);
  const [count, dim] = a.tensors.features.shape;
  return {
    count,
    dim,
    features: a.tensors.features.data as Float32Array,
    targets: a.tensors.targets?.data as Float32Array | undefined,
    labels: a.tensors.labels?.data as Int32Array | undefined,
    factors: (a.meta.factors as string[]) ?? [],
    classes: (a.meta.classes as string[]) ?? [],
  };
}

/** Rows of a row-major [N, width] array at the given indices. */
export function gatherRows(data: Float32Array, width: number, indices: ArrayLike<number>): Float32Array {
  const out = new Float32Array(indices.length * width);
  for (let r = 0; r < indices.length; r++)
    out.set(data.subarray(indices[r] * width, (indices[r] + 1) * width), r * width);
  return out;
}

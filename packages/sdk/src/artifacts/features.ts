import { RtlabError } from '../errors/rtlab-error';
import { Artifact, JsonValue } from './artifact';

/** The Features contract: the representation g(x) of a dataset's samples, with their labels and targets carried along. */
export interface FeaturesFields {
  /** g(x) row by row, float32 [N * dim]. */
  features: Float32Array;
  dim: number;
  /** Class labels, int32 [N]. */
  labels?: Int32Array;
  /** Regression targets, float32 [N * F], one column per factor. */
  targets?: Float32Array;
  /** The dataset's name, its target factors (F of them) and class names. */
  meta: { dataset: string; factors: string[]; classes: string[]; [key: string]: JsonValue };
}

/** A Features artifact from named fields, checked against the contract: a wrong field is named in the error. */
export function featuresArtifact(f: FeaturesFields): Artifact {
  const n = f.features.length / f.dim;
  const tensors: Artifact['tensors'] = { features: { dtype: 'float32', shape: [n, f.dim], data: f.features } };
  if (f.targets) tensors.targets = { dtype: 'float32', shape: [n, f.targets.length / n], data: f.targets };
  if (f.labels) tensors.labels = { dtype: 'int32', shape: [n], data: f.labels };
  const artifact: Artifact = { type: 'Features', meta: { ...f.meta, dim: f.dim }, tensors };
  const problems = featuresProblems(artifact);
  if (problems.length) throw new RtlabError('plugin', `not a valid Features artifact: ${problems.join('; ')}`);
  return artifact;
}

/** Every way an artifact breaks the Features contract, each naming the field. */
export function featuresProblems(a: Artifact): string[] {
  const { features, labels, targets } = a.tensors ?? {};
  const meta = a.meta ?? {};
  if (!features || features.dtype !== 'float32' || features.shape.length !== 2 || !Number.isInteger(features.shape[0]))
    return [
      `tensor features must be float32 [N, dim], got ${features ? `${features.dtype} [${features.shape}]` : 'none'}`,
    ];
  const [n, dim] = features.shape;
  const problems: string[] = [];
  if (meta.dim !== dim) problems.push(`meta.dim must be the features' width ${dim}, got ${JSON.stringify(meta.dim)}`);
  if (labels && (labels.dtype !== 'int32' || labels.shape.join() !== String(n)))
    problems.push(`tensor labels must be int32 [${n}], got ${labels.dtype} [${labels.shape}]`);
  if (targets && (targets.dtype !== 'float32' || targets.shape.length !== 2 || targets.shape[0] !== n))
    problems.push(`tensor targets must be float32 [${n}, F], got ${targets.dtype} [${targets.shape}]`);
  const factors = meta.factors;
  if (!Array.isArray(factors) || !Array.isArray(meta.classes))
    problems.push('meta.factors and meta.classes must be lists (empty for none)');
  else if (targets && factors.length !== targets.shape[1])
    problems.push(`meta.factors names ${factors.length} factors, tensor targets has ${targets.shape[1]} columns`);
  return problems;
}

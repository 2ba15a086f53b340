import { RtlabError } from '../errors/rtlab-error';
import { Artifact, JsonValue } from './artifact';

/**
 * The Bounds contract: sound bounds over a ball for N samples, from a bound plugin. Per sample the
 * representation's elementwise bounds [N, m] and the AS_i upper bound they give; for a classifier also a
 * lower bound of the margin min_{j != y} f_y - f_j over the ball and Theorem 2's clean margin.
 */
export interface BoundsFields {
  featureLower: Float32Array;
  featureUpper: Float32Array;
  featureDim: number;
  /** sqrt(sum_j max(u_j - g_j(x), g_j(x) - l_j)^2) >= AS_i. */
  asUpper: Float32Array;
  classification?: {
    /** A lower bound of min_{j != y} f_y(x') - f_j(x') over the ball: > 0 certifies the sample. */
    marginLower: Float32Array;
    /** Theorem 2's margin at x: min_{j != y} (f_y - f_j) / ||w_y - w_j||_2. */
    marginClean: Float32Array;
  };
  /** The ball (`norm`, `eps`), the methods that gave each number, and what they cost. */
  meta: { norm: string; eps: number; asMethod: string; [key: string]: JsonValue };
}

/** A Bounds artifact from its named fields, checked against the contract. */
export function boundsArtifact(f: BoundsFields): Artifact {
  const n = f.asUpper.length;
  const vector = (data: Float32Array, shape = [n]) => ({ dtype: 'float32' as const, shape, data });
  const tensors: Artifact['tensors'] = {
    featureLower: vector(f.featureLower, [n, f.featureDim]),
    featureUpper: vector(f.featureUpper, [n, f.featureDim]),
    asUpper: vector(f.asUpper),
    ...(f.classification
      ? { marginLower: vector(f.classification.marginLower), marginClean: vector(f.classification.marginClean) }
      : {}),
  };
  const artifact: Artifact = { type: 'Bounds', meta: { ...f.meta, count: n }, tensors };
  const problems = boundsProblems(artifact);
  if (problems.length) throw new RtlabError('plugin', `not a valid Bounds artifact: ${problems.join('; ')}`);
  return artifact;
}

/** Every way an artifact breaks the Bounds contract, each naming the field. */
export function boundsProblems(a: Artifact): string[] {
  const problems: string[] = [];
  const t = a.tensors ?? {};
  const n = t.asUpper?.shape[0];
  if (!t.asUpper || t.asUpper.shape.length !== 1) problems.push('asUpper must be float32 [N]');
  for (const name of ['featureLower', 'featureUpper'])
    if (t[name]?.shape.length !== 2 || t[name].shape[0] !== n) problems.push(`${name} must be float32 [N, m]`);
  for (const name of ['marginLower', 'marginClean'])
    if (t[name] && t[name].shape.join() !== String(n)) problems.push(`${name} must be float32 [N]`);
  if (t.asUpper && Array.from(t.asUpper.data).some((v) => !(v >= 0))) problems.push('asUpper must be >= 0 everywhere');
  if (!['linf', 'l2'].includes(a.meta?.norm as string)) problems.push('meta.norm must be "linf" or "l2"');
  if (!(typeof a.meta?.eps === 'number' && a.meta.eps >= 0)) problems.push('meta.eps must be a number >= 0');
  if (typeof a.meta?.asMethod !== 'string') problems.push('meta.asMethod must name the method');
  return problems;
}

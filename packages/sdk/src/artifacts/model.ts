import { RtlabError } from '../errors/rtlab-error';
import { Artifact, HostTensor, JsonValue } from './artifact';
import { HEAD_BIAS, HEAD_WEIGHT } from './model-tensors';

/** The Model contract: a network's weights by name (float32), and what the engine and consumers read of it. */
export interface ModelFields {
  weights: Record<string, HostTensor>;
  meta: {
    /** The architecture's registered name, e.g. 'wrn-34-10'. */
    architecture: string;
    /** [H, W, C] of the images it takes. */
    inputShape: [number, number, number];
    /** The width m of the representation g(x). */
    featureDim: number;
    /** Rows k of the head W [k, m] (0: a representation only, without head). */
    outputs: number;
    [key: string]: JsonValue | undefined;
  };
}

/** A Model artifact from named fields, checked against the contract: a wrong field is named in the error. */
export function modelArtifact(f: ModelFields): Artifact {
  const artifact: Artifact = { type: 'Model', meta: f.meta as Artifact['meta'], tensors: f.weights };
  const problems = modelProblems(artifact);
  if (problems.length) throw new RtlabError('plugin', `not a valid Model artifact: ${problems.join('; ')}`);
  return artifact;
}

const positive = (v: unknown) => Number.isInteger(v) && (v as number) > 0;

/** Every way an artifact breaks the Model contract, each naming the field. */
export function modelProblems(a: Artifact): string[] {
  const m = a.meta ?? {};
  const problems: string[] = [];
  if (typeof m.architecture !== 'string' || !m.architecture)
    problems.push('meta.architecture must name the architecture');
  if (!positive(m.featureDim))
    problems.push(`meta.featureDim must be a positive integer, got ${JSON.stringify(m.featureDim)}`);
  if (!Array.isArray(m.inputShape) || m.inputShape.length !== 3 || !m.inputShape.every(positive))
    problems.push(`meta.inputShape must be [H, W, C], got ${JSON.stringify(m.inputShape)}`);
  if (!(Number.isInteger(m.outputs) && (m.outputs as number) >= 0))
    problems.push(`meta.outputs must be an integer >= 0, got ${JSON.stringify(m.outputs)}`);
  const notFloat = Object.entries(a.tensors ?? {}).find(([, t]) => t.dtype !== 'float32');
  if (notFloat) problems.push(`weight ${notFloat[0]} must be float32, got ${notFloat[1].dtype}`);
  const [w, b] = [a.tensors?.[HEAD_WEIGHT], a.tensors?.[HEAD_BIAS]];
  if ((m.outputs as number) > 0 || w || b) {
    if (w?.shape.join() !== `${m.outputs},${m.featureDim}`)
      problems.push(
        `${HEAD_WEIGHT} must be [outputs, featureDim] = [${m.outputs}, ${m.featureDim}], got ${w ? `[${w.shape}]` : 'none'}`,
      );
    if (b?.shape.join() !== String(m.outputs))
      problems.push(`${HEAD_BIAS} must be [outputs] = [${m.outputs}], got ${b ? `[${b.shape}]` : 'none'}`);
  }
  return problems;
}

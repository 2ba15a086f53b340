import { RtlabError } from '../errors/rtlab-error';
import { Artifact, HostTensor, JsonValue } from './artifact';

/** What an attack maximised. */
export type AttackObjective = 'ce' | 'dlr' | 'regression' | 'representation';
/** Every AttackObjective. */
export const ATTACK_OBJECTIVES: readonly AttackObjective[] = ['ce', 'dlr', 'regression', 'representation'];

/**
 * The AttackResult contract, written once: what every attack plugin returns and every consumer reads.
 * N samples; each per-sample tensor is float32 [N] unless said otherwise.
 */
export interface AttackResultFields {
  objective: AttackObjective;
  /**
   * The objective at the clean input x: the cross-entropy of f (`ce`), Croce and Hein's difference of
   * logits ratio (`dlr`), the error |f(x) - y|
   * (`regression`), or ||g(x) - g(x)||_2 = 0 (`representation`).
   */
  lossClean: Float32Array;
  /** The same objective at the adversarial input x' the attack found. */
  lossAdv: Float32Array;
  /**
   * ||g(x') - g(x)||_2 at x', whatever the objective: the one place AS_i lives. For a `representation`
   * attack it is its objective, so it equals `lossAdv` element for element.
   */
  repDistance: Float32Array;
  /** With a classification head: the clean logits [N, k], predictions at x and x', and the labels (int32 [N]). */
  classification?: {
    logitsClean: Float32Array;
    outputs: number;
    predClean: Int32Array;
    predAdv: Int32Array;
    labels: Int32Array;
  };
  /** The adversarial inputs [N, H, W, C], when kept. */
  adversarial?: { data: Float32Array; imageShape: [number, number, number] };
  /** The attack's name, and the ball it searched: `norm` as bounds compare it ('linf', 'l2', ...) and `eps`. */
  meta: { attack: string; norm: string; eps: number; [key: string]: JsonValue };
}

const PER_SAMPLE = ['lossClean', 'lossAdv', 'repDistance'] as const;
const CLASSIFICATION = ['predClean', 'predAdv', 'labels'] as const;

/** An AttackResult from its named fields, checked against the contract: a wrong field is named in the error. */
export function attackResultArtifact(f: AttackResultFields): Artifact {
  const n = f.lossAdv.length;
  const vector = (data: Float32Array | Int32Array, shape = [n]) =>
    ({ dtype: data instanceof Float32Array ? 'float32' : 'int32', shape, data }) as HostTensor;
  const tensors: Artifact['tensors'] = {
    lossClean: vector(f.lossClean),
    lossAdv: vector(f.lossAdv),
    repDistance: vector(f.repDistance),
  };
  const c = f.classification;
  if (c) {
    Object.assign(tensors, {
      logitsClean: vector(c.logitsClean, [n, c.outputs]),
      predClean: vector(c.predClean),
      predAdv: vector(c.predAdv),
      labels: vector(c.labels),
    });
  }
  if (f.adversarial) tensors.adversarial = vector(f.adversarial.data, [n, ...f.adversarial.imageShape]);
  const artifact: Artifact = { type: 'AttackResult', meta: { ...f.meta, objective: f.objective, count: n }, tensors };
  const problems = attackResultProblems(artifact);
  if (problems.length) throw new RtlabError('plugin', `not a valid AttackResult: ${problems.join('; ')}`);
  return artifact;
}

/**
 * Every way an artifact breaks the AttackResult contract, each naming the field: the engine checks every
 * attack's output with it, and consumers read through `attackResultView`, which does too.
 */
export function attackResultProblems(a: Artifact): string[] {
  const problems: string[] = [];
  const t = a.tensors ?? {};
  const objective = a.meta?.objective as AttackObjective;
  if (!ATTACK_OBJECTIVES.includes(objective))
    problems.push(`meta.objective must be one of ${ATTACK_OBJECTIVES.join(', ')}, got ${JSON.stringify(objective)}`);
  if (!(typeof a.meta?.eps === 'number' && a.meta.eps > 0))
    problems.push(`meta.eps must be a number > 0, got ${JSON.stringify(a.meta?.eps)}`);
  for (const field of ['norm', 'attack']) {
    if (a.meta?.[field] !== undefined && typeof a.meta[field] !== 'string')
      problems.push(`meta.${field} must be a string`);
  }
  const n = t.lossAdv?.shape?.[0];
  for (const name of PER_SAMPLE) {
    const x = t[name];
    if (!x) problems.push(`tensor ${name} is missing`);
    else if (x.dtype !== 'float32' || x.shape.length !== 1 || x.shape[0] !== n)
      problems.push(`tensor ${name} must be float32 [${n}], got ${x.dtype} [${x.shape}]`);
  }
  if (problems.length) return problems;
  const present = CLASSIFICATION.filter((name) => t[name]);
  if (present.length && present.length < CLASSIFICATION.length)
    problems.push(`tensors ${CLASSIFICATION.join(', ')} come together; only ${present.join(', ')} given`);
  for (const name of present) {
    if (t[name].dtype !== 'int32' || t[name].shape.join() !== String(n))
      problems.push(`tensor ${name} must be int32 [${n}], got ${t[name].dtype} [${t[name].shape}]`);
  }
  if (
    t.logitsClean &&
    (t.logitsClean.dtype !== 'float32' || t.logitsClean.shape.length !== 2 || t.logitsClean.shape[0] !== n)
  )
    problems.push(`tensor logitsClean must be float32 [${n}, k], got ${t.logitsClean.dtype} [${t.logitsClean.shape}]`);
  if (objective === 'representation') problems.push(...representationProblems(t));
  return problems;
}

/** A representation attack's objective is the representation shift: lossAdv is repDistance, lossClean is 0. */
function representationProblems(t: Artifact['tensors']): string[] {
  const [clean, adv, rep] = [t.lossClean.data, t.lossAdv.data, t.repDistance.data];
  const differs = adv.findIndex((v, i) => v !== rep[i]);
  const nonzero = clean.findIndex((v) => v !== 0);
  return [
    ...(differs >= 0
      ? [
          `for objective representation, lossAdv must equal repDistance (AS_i); sample ${differs}: lossAdv ${adv[differs]}, repDistance ${rep[differs]}`,
        ]
      : []),
    ...(nonzero >= 0
      ? [`for objective representation, lossClean is ||g(x) - g(x)|| = 0; sample ${nonzero}: ${clean[nonzero]}`]
      : []),
  ];
}

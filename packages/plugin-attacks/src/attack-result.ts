import { Artifact, attackResultProblems, JsonValue, RtlabError } from '@rtlab/sdk';

/**
 * An AttackResult as its consumers read it (the contract is the SDK's `AttackResultFields`): per-sample
 * objective at x and x', and the representation shift ||g(x') - g(x)||_2, where AS_i lives.
 */
export interface AttackResultView {
  count: number;
  lossClean: Float32Array;
  lossAdv: Float32Array;
  repDistance: Float32Array;
  logitsClean?: Float32Array;
  predClean?: Int32Array;
  predAdv?: Int32Array;
  labels?: Int32Array;
  meta: { [key: string]: JsonValue };
}

/** Reads an AttackResult, checking it against its contract (`attackResultProblems`); throws naming what is wrong. */
export function attackResultView(a: Artifact): AttackResultView {
  if (a.type !== 'AttackResult') throw new RtlabError('input', `expected an AttackResult artifact, got ${a.type}`);
  const problems = attackResultProblems(a);
  if (problems.length)
    throw new RtlabError('input', `an AttackResult that breaks its contract: ${problems.join('; ')}`);
  const t = (name: string) => a.tensors[name]?.data;
  return {
    count: a.tensors.lossAdv.shape[0],
    lossClean: t('lossClean') as Float32Array,
    lossAdv: t('lossAdv') as Float32Array,
    repDistance: t('repDistance') as Float32Array,
    logitsClean: t('logitsClean') as Float32Array | undefined,
    predClean: t('predClean') as Int32Array | undefined,
    predAdv: t('predAdv') as Int32Array | undefined,
    labels: t('labels') as Int32Array | undefined,
    meta: a.meta,
  };
}

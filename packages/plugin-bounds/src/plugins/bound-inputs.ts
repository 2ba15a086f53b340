import { Artifact, HEAD_WEIGHT, RtlabError } from '@rtlab/sdk';
import { attackResultView, AttackResultView } from '@rtlab/plugin-attacks';
import { ModelMeta } from '@rtlab/plugin-models';
import { lossOfObjective, LipschitzLoss } from '../losses/lipschitz-loss';
import { weightNorms, WeightNorms } from '../norms/weight-norms';
import { checkSameBudget } from './same-budget';

/** The three inputs of Lemma 1 and Theorem 1, checked to belong together. */
export interface BoundInputs {
  loss: AttackResultView;
  as: AttackResultView;
  lipschitz: LipschitzLoss;
  norms: WeightNorms;
  /** ||W||_q for the loss's q. */
  normW: number;
}

export const BOUND_PORTS = {
  loss: { type: 'AttackResult', description: 'attack on the loss of f = W g + b (objective regression or ce)' },
  as: { type: 'AttackResult', description: "attack on ||g(x') - g(x)||_2 (objective representation): the AS score" },
  model: { type: 'Model', description: 'the probed model, whose head W enters the bound' },
};

export function boundInputs(inputs: Record<string, unknown>): BoundInputs {
  const loss = attackResultView(inputs.loss as Artifact);
  const as = attackResultView(inputs.as as Artifact);
  const model = inputs.model as Artifact;
  if (as.meta.objective !== 'representation')
    throw new RtlabError('input', `port "as" needs a representation attack, got objective "${as.meta.objective}"`);
  checkSameBudget(loss, as, 'loss');
  if (loss.count !== as.count)
    throw new RtlabError(
      'input',
      `the loss attack has ${loss.count} samples, the AS attack ${as.count}: attack the same data`,
    );
  const head = model.tensors[HEAD_WEIGHT];
  if (!head) throw new RtlabError('input', 'the model has no head W; probe it first');
  const [k, m] = head.shape;
  if ((model.meta as ModelMeta).featureDim !== m)
    throw new RtlabError(
      'input',
      `head W is [${head.shape}] but g has ${(model.meta as ModelMeta).featureDim} features`,
    );
  const lipschitz = lossOfObjective(loss.meta.objective);
  const norms = weightNorms(head.data as Float32Array, k, m);
  return { loss, as, lipschitz, norms, normW: lipschitz.norm(norms) };
}

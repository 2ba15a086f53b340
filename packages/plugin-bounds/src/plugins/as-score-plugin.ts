import { Artifact, maximum, mean, Plugin, RtlabError, scoreMeta, scoresArtifact, standardDeviation } from '@rtlab/sdk';
import { attackResultView } from '@rtlab/plugin-attacks';
import { LABELS_ONLY_PARAMS, LabelsParams } from './labels-params';

/** `score/as-score`: AS(g, D_n) = mean_i max ||g(x'_i) - g(x_i)||_2, from a representation attack; keeps AS_i. */
export const asScorePlugin: Plugin<LabelsParams> = {
  kind: 'score',
  name: 'as-score',
  version: '1.1.0', // 1.1.0: label and integer columns declared
  description:
    'The adversarial sensitivity score: the mean (and spread) of the per-sample representation shift found by a representation attack; needs no labels.',
  params: LABELS_ONLY_PARAMS,
  inputs: { as: { type: 'AttackResult', description: 'attack with objective representation' } },
  output: 'Scores',
  async run(inputs, p) {
    const as = attackResultView(inputs.as as Artifact);
    if (as.meta.objective !== 'representation')
      throw new RtlabError('input', `as-score needs a representation attack, got objective "${as.meta.objective}"`);
    const v = as.repDistance; // AS_i (the contract: for a representation attack it is also lossAdv)
    return scoresArtifact(
      [
        {
          ...p.labels,
          as: mean(v),
          asStd: standardDeviation(v),
          asMax: maximum(v),
          n: v.length,
          eps: as.meta.eps,
          attack: as.meta.attack,
        },
      ],
      { as: { dtype: 'float32', shape: [v.length], data: v } },
      scoreMeta(p.labels, ['n']),
    );
  },
};

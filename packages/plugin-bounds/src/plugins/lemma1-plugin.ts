import { mean, Plugin, scoreMeta, scoresArtifact } from '@rtlab/sdk';
import { BOUND_PORTS, boundInputs } from './bound-inputs';
import { sameBudget } from './same-budget';
import { checkPointwiseLipschitz } from './pointwise-lipschitz';
import { LABELS_ONLY_PARAMS, LabelsParams } from './labels-params';

/**
 * `score/lemma1`: LHS = mean(l_adv - l_clean) / (L ||W||_q) against RHS = AS(g, D_n), with every W norm,
 * and the exact pointwise Lipschitz check (which fails the node when violated).
 */
export const lemma1Plugin: Plugin<LabelsParams> = {
  kind: 'score',
  name: 'lemma1',
  version: '1.1.0', // 1.1.0: label and integer columns declared
  description:
    'Lemma 1: LHS = mean loss gap / (L ||W||_q) vs RHS = AS score; reports both, the loss means, all W norms, L, and holds; checks the pointwise Lipschitz bound.',
  params: LABELS_ONLY_PARAMS,
  inputs: BOUND_PORTS,
  checkProducers: sameBudget('loss', 'as'),
  output: 'Scores',
  async run(inputs, p) {
    const b = boundInputs(inputs);
    checkPointwiseLipschitz(b);
    const lossClean = mean(b.loss.lossClean);
    const lossAdv = mean(b.loss.lossAdv);
    const lhs = (lossAdv - lossClean) / (b.lipschitz.L * b.normW);
    const rhs = mean(b.as.repDistance);
    return scoresArtifact(
      [
        {
          ...p.labels,
          lhs,
          rhs,
          holds: lhs <= rhs,
          lossClean,
          lossAdv,
          lossDiff: lossAdv - lossClean,
          loss: b.lipschitz.name,
          L: b.lipschitz.L,
          q: b.lipschitz.q,
          normW: b.normW,
          normWInf: b.norms.inf,
          normW2: b.norms.spectral,
          normWFro: b.norms.frobenius,
          normW1: b.norms.one,
          n: b.loss.count,
        },
      ],
      { as: { dtype: 'float32', shape: [b.as.count], data: b.as.repDistance } },
      scoreMeta(p.labels, ['n']),
    );
  },
};

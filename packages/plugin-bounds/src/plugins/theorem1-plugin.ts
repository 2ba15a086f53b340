import { LABELS_PARAM, mean, Plugin, scoreMeta, scoresArtifact } from '@rtlab/sdk';
import { BOUND_PORTS, boundInputs } from './bound-inputs';
import { sameBudget } from './same-budget';

interface Theorem1Params {
  B: number;
  rho: number;
  labels: Record<string, string | number | boolean>;
}

/**
 * `score/theorem1`: with probability >= 1 - rho, E[l_adv] - E[l] <= L ||W||_q AS(g, D_n) + B sqrt(ln(1/rho) / (2n)),
 * for a loss in [0, B]. Reports the empirical gap, the bound, and whether every loss was within [0, B].
 */
export const theorem1Plugin: Plugin<Theorem1Params> = {
  kind: 'score',
  name: 'theorem1',
  version: '1.1.0', // 1.1.0: label and integer columns declared
  description: 'Theorem 1: the population bound L ||W||_q AS + B sqrt(ln(1/rho)/(2n)) against the empirical loss gap.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['B'],
    properties: {
      B: {
        type: 'number',
        exclusiveMinimum: 0,
        description: 'Upper bound of the loss (state it, or clip the loss at it; CE is unbounded).',
      },
      rho: {
        type: 'number',
        exclusiveMinimum: 0,
        exclusiveMaximum: 1,
        default: 0.05,
        description: 'The bound holds with probability >= 1 - rho.',
      },
      labels: LABELS_PARAM,
    },
  },
  inputs: BOUND_PORTS,
  checkProducers: sameBudget('loss', 'as'),
  output: 'Scores',
  async run(inputs, p, ctx) {
    const b = boundInputs(inputs);
    const n = b.loss.count;
    const as = mean(b.as.repDistance);
    const gap = mean(b.loss.lossAdv) - mean(b.loss.lossClean);
    const outside = [...b.loss.lossAdv, ...b.loss.lossClean].filter((l) => l < 0 || l > p.B).length;
    if (outside)
      ctx.log(`warning: ${outside} loss values lie outside [0, B = ${p.B}]; the bound's assumption does not hold`);
    const bound = b.lipschitz.L * b.normW * as + p.B * Math.sqrt(Math.log(1 / p.rho) / (2 * n));
    return scoresArtifact(
      [
        {
          ...p.labels,
          gap,
          bound,
          holds: gap <= bound,
          as,
          B: p.B,
          rho: p.rho,
          n,
          L: b.lipschitz.L,
          normW: b.normW,
          lossWithinB: outside === 0,
        },
      ],
      {},
      scoreMeta(p.labels, ['n']),
    );
  },
};

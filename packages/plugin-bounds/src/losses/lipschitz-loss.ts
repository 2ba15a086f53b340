import { RtlabError } from '@rtlab/sdk';
import { WeightNorms } from '../norms/weight-norms';

/** A loss with its Lipschitz constant L in the output norm ||.||_q (docs/theory.md, Lemma 1). */
export interface LipschitzLoss {
  name: 'abs-error' | 'ce';
  L: number;
  q: '2' | 'inf';
  norm(n: WeightNorms): number;
}

const LOSSES: Record<string, LipschitzLoss> = {
  // ||f(x) - y||_2 is 1-Lipschitz in ||.||_2 (reverse triangle inequality); the squared error is not Lipschitz.
  regression: { name: 'abs-error', L: 1, q: '2', norm: (n) => n.spectral },
  // softmax cross-entropy is 2-Lipschitz in ||.||_inf (the paper's Lemma 3).
  ce: { name: 'ce', L: 2, q: 'inf', norm: (n) => n.inf },
};

/** The loss an attack maximised, from its objective. */
export function lossOfObjective(objective: unknown): LipschitzLoss {
  const loss = LOSSES[String(objective)];
  if (!loss)
    throw new RtlabError(
      'input',
      `Lemma 1 needs a loss attack (objective "regression" or "ce"), got objective "${objective}"`,
    );
  return loss;
}

import { RtlabError } from '@rtlab/sdk';
import { BoundInputs } from './bound-inputs';

/**
 * The exact per-sample check of docs/theory.md: |l(f(x'_i)) - l(f(x_i))| <= L ||W||_q ||g(x'_i) - g(x_i)||_2
 * at the x'_i the loss attack found. It holds for any x', so a violation is a bug (loss, norm or model
 * split), never a weak attack: the node fails.
 */
export function checkPointwiseLipschitz(b: BoundInputs, rtol = 1e-4, atol = 1e-5): void {
  const { lossClean, lossAdv, repDistance } = b.loss;
  const violations: string[] = [];
  for (let i = 0; i < lossAdv.length; i++) {
    const gap = Math.abs(lossAdv[i] - lossClean[i]);
    const bound = b.lipschitz.L * b.normW * repDistance[i];
    if (gap > bound * (1 + rtol) + atol)
      violations.push(`sample ${i}: |dl| = ${gap.toPrecision(6)} > ${bound.toPrecision(6)}`);
  }
  if (violations.length) {
    throw new RtlabError(
      'plugin',
      `pointwise Lipschitz check failed for ${violations.length} of ${lossAdv.length} samples (${violations.slice(0, 3).join('; ')}): a bug in the loss, the norm or the model split`,
    );
  }
}

import { Plugin } from '@rtlab/sdk';
import { ApgdNorm } from '../apgd/apgd-norm';
import { runApgd } from '../apgd/run-apgd';
import {
  OBJECTIVE_ATTACK_IO,
  objectiveAttackParams,
  ObjectiveAttackParams,
  runObjectiveAttack,
} from './objective-attack';

/** The params of `attack/apgd-*` (see the plugin's schema for each). */
export interface ApgdParams extends ObjectiveAttackParams {
  rho: number;
}

const paramsSchema = (norm: string) =>
  objectiveAttackParams(norm, 100, {
    rho: {
      type: 'number',
      exclusiveMinimum: 0,
      maximum: 1,
      default: 0.75,
      description:
        'A checkpoint halves the step size where the loss rose in at most this share of the steps since the last.',
    },
  });

/**
 * The attack plugin `apgd-<name>`: Auto-PGD (Croce and Hein, ICML 2020) on a chosen objective, from a
 * random start on the ball's boundary; the point kept per sample is the best one found over all
 * iterations and restarts (every restart runs on every sample), so its loss is the supremum estimate.
 */
export function apgdPlugin(norm: ApgdNorm): Plugin<ApgdParams> {
  return {
    kind: 'attack',
    name: `apgd-${norm.name}`,
    version: norm.version,
    description: `${norm.label}-APGD (AutoAttack's step-size schedule) on a chosen objective, the best point over iterations and restarts; per-sample clean/adversarial losses and ||g(x') - g(x)||_2.`,
    params: paramsSchema(norm.label),
    ball: (p) => ({ norm: norm.norm, eps: p.eps }),
    ...OBJECTIVE_ATTACK_IO,
    async run(inputs, p, ctx) {
      const settings = { eps: p.eps, steps: p.steps, rho: p.rho, bounds: p.bounds, gradientBatch: p.gradientBatch };
      return runObjectiveAttack(
        inputs,
        p,
        ctx,
        (x0, loss, firstSample, seed) =>
          runApgd(norm, loss, x0, { ...settings, seed, firstSample, signal: ctx.signal }),
        { attack: `apgd-${norm.name}`, norm: norm.norm, settings: { rho: p.rho } },
      );
    },
  };
}

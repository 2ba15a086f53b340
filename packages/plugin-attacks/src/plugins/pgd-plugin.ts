import { Plugin, RtlabError } from '@rtlab/sdk';
import { PgdVariant } from '../pgd/pgd-variant';
import { runPgd } from '../pgd/run-pgd';
import {
  OBJECTIVE_ATTACK_IO,
  objectiveAttackParams,
  ObjectiveAttackParams,
  runObjectiveAttack,
} from './objective-attack';

/** The params of `attack/pgd-*` (see the plugin's schema for each). */
export interface PgdParams extends ObjectiveAttackParams {
  relStepsize?: number;
  absStepsize?: number;
  randomStart: boolean;
}

const paramsSchema = (norm: string, relStepsize: number) =>
  objectiveAttackParams(norm, 20, {
    relStepsize: {
      type: 'number',
      exclusiveMinimum: 0,
      description: `Step size as a multiple of eps; exclusive with absStepsize. Default ${relStepsize}; foolbox's own defaults are 0.01/0.3 (LinfPGD, 40 steps) and 0.025 (L2PGD, 50 steps).`,
    },
    absStepsize: {
      type: 'number',
      exclusiveMinimum: 0,
      description: 'Absolute step size; exclusive with relStepsize.',
    },
    randomStart: {
      type: 'boolean',
      default: true,
      description: 'Start at a uniformly random point of the ball (required for the representation objective).',
    },
  });

function stepSize(p: PgdParams, variant: PgdVariant): number {
  if (p.relStepsize !== undefined && p.absStepsize !== undefined)
    throw new RtlabError('input', 'give relStepsize or absStepsize, not both');
  return p.absStepsize ?? (p.relStepsize ?? variant.defaultRelStepsize) * p.eps;
}

/**
 * The attack plugin `pgd-<name>` for one PGD variant (`pgd-linf` and `pgd-l2` differ only in theirs); its
 * version is the variant's, and it declares its ball, so bounds can check two attacks share one.
 */
export function pgdPlugin(variant: PgdVariant): Plugin<PgdParams> {
  return {
    kind: 'attack',
    name: `pgd-${variant.name}`,
    version: variant.version,
    description: `${variant.label}-PGD with foolbox semantics on a chosen objective (restarts keep each sample's highest loss); per-sample clean/adversarial losses and ||g(x') - g(x)||_2.`,
    params: paramsSchema(variant.label, variant.defaultRelStepsize),
    ball: (p) => ({ norm: variant.norm, eps: p.eps }),
    ...OBJECTIVE_ATTACK_IO,
    async run(inputs, p, ctx) {
      if (p.objective === 'representation' && !p.randomStart)
        throw new RtlabError(
          'input',
          "the representation objective needs randomStart: its gradient is undefined at x' = x",
        );
      const settings = {
        eps: p.eps,
        steps: p.steps,
        stepSize: stepSize(p, variant),
        randomStart: p.randomStart,
        bounds: p.bounds,
        gradientBatch: p.gradientBatch,
        signal: ctx.signal,
      };
      return runObjectiveAttack(
        inputs,
        p,
        ctx,
        async (x0, loss, firstSample, seed) => ({
          x: await runPgd(variant, loss, x0, { ...settings, seed, firstSample }),
        }),
        {
          attack: `pgd-${variant.name}`,
          norm: variant.norm,
          settings: { stepSize: settings.stepSize, randomStart: p.randomStart },
        },
      );
    },
  };
}

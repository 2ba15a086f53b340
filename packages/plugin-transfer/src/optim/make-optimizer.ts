import { Adam } from './adam';
import { Optimizer, OptimizerSettings } from './optimizer';
import { SgdMomentum } from './sgd-momentum';

/** The optimiser the settings name (sgd or adam), with its hyperparameters. */
export function makeOptimizer(s: OptimizerSettings): Optimizer {
  return s.kind === 'adam' ? new Adam(s.weightDecay) : new SgdMomentum(s.momentum, s.weightDecay);
}

/** Cosine annealing stepped per iteration (t of total): lr * (1 + cos(pi t / total)) / 2; or constant. */
export function scheduledRate(lr: number, schedule: 'cosine' | 'constant', t: number, total: number): number {
  return schedule === 'cosine' ? (lr * (1 + Math.cos((Math.PI * t) / Math.max(total, 1)))) / 2 : lr;
}

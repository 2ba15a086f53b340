import { abortPoint, PluginContext, RtlabError } from '@rtlab/sdk';

export interface EpochLoop {
  epochs: number;
  count: number;
  batchSize: number;
  /**
   * One optimisation step on the given sample indices at iteration t; returns the batch's mean loss,
   * and for a classifier how many of the batch it classified correctly (before the step).
   */
  step(indices: Int32Array, t: number, total: number): StepResult | Promise<StepResult>;
}

/** One training step's batch loss and, for a classifier, how many it got right before the step. */
export interface StepResult {
  loss: number;
  correct?: number;
}

/** Per epoch: the mean training loss over its batches and, for classifiers, the training accuracy. Stored in Model meta as `training`. */
export interface TrainingHistory {
  [key: string]: number[];
  loss: number[];
}

/**
 * Shuffled minibatch epochs (seeded by the node), with progress, abort checks, and a clear error
 * when the loss stops being finite. Returns the loss (and accuracy) of every epoch.
 */
export async function trainEpochs(loop: EpochLoop, ctx: PluginContext): Promise<TrainingHistory> {
  if (loop.count === 0)
    throw new RtlabError('input', "the training data has no samples (check the load node's count or limit)");
  const perEpoch = Math.ceil(loop.count / loop.batchSize);
  const total = loop.epochs * perEpoch;
  const history: TrainingHistory = { loss: [] };
  let t = 0;
  for (let epoch = 0; epoch < loop.epochs; epoch++) {
    const order = ctx.rng.permutation(loop.count);
    let [sum, correct, counted] = [0, 0, false];
    for (let b = 0; b < perEpoch; b++) {
      await abortPoint(ctx.signal);
      const step = await loop.step(order.subarray(b * loop.batchSize, (b + 1) * loop.batchSize), t++, total);
      if (!Number.isFinite(step.loss))
        throw new RtlabError(
          'plugin',
          `training loss became ${step.loss} at epoch ${epoch + 1}, batch ${b + 1}; lower the learning rate`,
        );
      sum += step.loss;
      if (step.correct !== undefined) [correct, counted] = [correct + step.correct, true];
      ctx.progress(t, total, `epoch ${epoch + 1}/${loop.epochs} loss ${(sum / (b + 1)).toFixed(5)}`);
    }
    history.loss.push(sum / perEpoch);
    if (counted) (history.accuracy ??= []).push(correct / loop.count);
    ctx.log(
      `epoch ${epoch + 1}/${loop.epochs}: loss ${history.loss[epoch].toFixed(5)}${history.accuracy ? `, accuracy ${history.accuracy[epoch].toFixed(4)}` : ''}`,
    );
  }
  return history;
}

import { abortPoint, PluginContext, RtlabError } from '@rtlab/sdk';

export interface EpochLoop {
  epochs: number;
  count: number;
  batchSize: number;
  /** One optimisation step on the given sample indices at iteration t; returns the batch loss. */
  step(indices: Int32Array, t: number, total: number): number | Promise<number>;
}

/**
 * Shuffled minibatch epochs (seeded by the node), with progress, abort checks, and a clear error
 * when the loss stops being finite. Returns the mean loss of the last epoch.
 */
export async function trainEpochs(loop: EpochLoop, ctx: PluginContext): Promise<number> {
  const perEpoch = Math.ceil(loop.count / loop.batchSize);
  const total = loop.epochs * perEpoch;
  let t = 0;
  let last = NaN;
  for (let epoch = 0; epoch < loop.epochs; epoch++) {
    const order = ctx.rng.permutation(loop.count);
    let sum = 0;
    for (let b = 0; b < perEpoch; b++) {
      await abortPoint(ctx.signal);
      const loss = await loop.step(order.subarray(b * loop.batchSize, (b + 1) * loop.batchSize), t++, total);
      if (!Number.isFinite(loss)) throw new RtlabError('plugin', `training loss became ${loss} at epoch ${epoch + 1}, batch ${b + 1}; lower the learning rate`);
      sum += loss;
      ctx.progress(t, total, `epoch ${epoch + 1}/${loop.epochs} loss ${(sum / (b + 1)).toFixed(5)}`);
    }
    last = sum / perEpoch;
    ctx.log(`epoch ${epoch + 1}/${loop.epochs}: loss ${last.toFixed(5)}`);
  }
  return last;
}

import { sampleSeed } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';

/** One restart's points, and their per-sample losses where the attack tracked them. */
export interface RestartResult {
  x: tf.Tensor4D;
  loss?: Float32Array;
}

/**
 * The node seed of restart r: the node's own for the first (one restart is the attack without
 * restarts, byte for byte), a mix of it and r for the others.
 */
export function restartSeed(seed: number, restart: number): number {
  return restart === 0 ? seed : sampleSeed(seed ^ 0x5bd1e995, restart);
}

/**
 * Runs every restart on every sample and keeps, per sample, the point of the highest loss (the first
 * restart's on ties): the mode AS needs, a supremum estimate never below any single restart's.
 */
export async function bestOverRestarts(
  restarts: number,
  run: (restart: number) => Promise<RestartResult>,
  lossOf: (x: tf.Tensor4D) => Promise<Float32Array>,
): Promise<RestartResult> {
  let best = await run(0);
  if (restarts === 1) return best;
  const withLoss = async (r: RestartResult) => {
    try {
      return { x: r.x, loss: r.loss ?? (await lossOf(r.x)) };
    } catch (e) {
      r.x.dispose();
      throw e;
    }
  };
  best = await withLoss(best);
  for (let r = 1; r < restarts; r++) {
    const next = await run(r)
      .then(withLoss)
      .catch((e) => {
        best.x.dispose();
        throw e;
      });
    const better = Uint8Array.from(next.loss, (v, i) => (v > best.loss![i] ? 1 : 0));
    const x = tf.tidy(() => tf.where(tf.tensor4d(better, [better.length, 1, 1, 1], 'bool'), next.x, best.x));
    tf.dispose([next.x, best.x]);
    best = { x, loss: Float32Array.from(best.loss!, (v, i) => (better[i] ? next.loss[i] : v)) };
  }
  return best;
}

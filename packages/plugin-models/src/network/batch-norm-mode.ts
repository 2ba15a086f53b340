import * as tf from '@tensorflow/tfjs-core';

/** How batch norm behaves in a forward pass. */
export interface BatchNormMode {
  /** true: normalise with batch statistics and collect them for the running averages. */
  training: boolean;
  /** Batch statistics of this pass (kept tensors), applied by `Network.applyBatchNormUpdates`. */
  updates?: { name: string; mean: tf.Tensor; variance: tf.Tensor; count: number }[];
}

/** Batch norm in inference mode: running statistics, nothing updated. */
export const EVAL: BatchNormMode = { training: false };

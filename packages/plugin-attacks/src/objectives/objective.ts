import { Network } from '@rtlab/plugin-models';
import * as tf from '@tensorflow/tfjs-core';

/** What an objective may compare against, for one batch. */
export interface ObjectiveBatch {
  /** g(x) at the clean inputs. */
  cleanFeatures: tf.Tensor2D;
  /** Regression targets [B, outputs]. */
  targets?: tf.Tensor2D;
  /** Class labels [B] (int32). */
  labels?: tf.Tensor1D;
}

/**
 * A per-sample loss [B] that an attack maximises at inputs x. The value it returns is also the
 * reported loss (e.g. |f(x) - y| for regression), so it must be the Lipschitz loss of docs/theory.md.
 */
export type Objective = (net: Network, x: tf.Tensor4D, batch: ObjectiveBatch) => tf.Tensor1D;

/** Row-wise L2 norm, smoothed by 1e-12 inside the root so its gradient exists at 0 (value change < 1e-6). */
export function smoothRowNorm(v: tf.Tensor2D): tf.Tensor1D {
  return tf.sqrt(tf.add(tf.sum(tf.square(v), 1), 1e-12)) as tf.Tensor1D;
}

/** The rows [start, start + size) of a batch (for chunked gradients). */
export function sliceBatch(b: ObjectiveBatch, start: number, size: number): ObjectiveBatch {
  if (start === 0 && size === b.cleanFeatures.shape[0]) return b;
  return {
    cleanFeatures: tf.slice(b.cleanFeatures, [start], [size]),
    ...(b.targets ? { targets: tf.slice(b.targets, [start], [size]) } : {}),
    ...(b.labels ? { labels: tf.slice(b.labels, [start], [size]) } : {}),
  };
}

import * as tf from '@tensorflow/tfjs-core';

/** Updates variables from their gradients at a given learning rate (set per iteration by a schedule). */
export interface Optimizer {
  /** Updates the variables by their gradients at learning rate lr. */
  step(vars: tf.Variable[], grads: tf.NamedTensorMap, lr: number): void;
  /** Frees the optimiser state. */
  dispose(): void;
}

/** Which optimiser, and its hyperparameters (PyTorch names). */
export interface OptimizerSettings {
  kind: 'adam' | 'sgd';
  momentum: number;
  /** L2 penalty added to the gradient (PyTorch's weight_decay). */
  weightDecay: number;
}

/** Per-variable state slots, created lazily as zeros. */
export class Slots {
  private readonly slots = new Map<string, tf.Variable>();

  get(v: tf.Variable, which: string): tf.Variable {
    const key = `${v.name}/${which}`;
    let s = this.slots.get(key);
    if (!s) {
      s = tf.variable(tf.zerosLike(v), false);
      this.slots.set(key, s);
    }
    return s;
  }

  dispose(): void {
    for (const s of this.slots.values()) s.dispose();
    this.slots.clear();
  }
}

export function withWeightDecay(v: tf.Variable, grad: tf.Tensor, weightDecay: number): tf.Tensor {
  return weightDecay ? tf.add(grad, tf.mul(v, weightDecay)) : grad;
}

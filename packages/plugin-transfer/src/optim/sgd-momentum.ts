import * as tf from '@tensorflow/tfjs-core';
import { Optimizer, Slots, withWeightDecay } from './optimizer';

/** SGD with momentum as PyTorch's (no dampening): buf = momentum * buf + g; w -= lr * buf. */
export class SgdMomentum implements Optimizer {
  private readonly slots = new Slots();

  constructor(
    private readonly momentum = 0.9,
    private readonly weightDecay = 0,
  ) {}

  /** SGD with momentum (PyTorch semantics) at lr. */
  step(vars: tf.Variable[], grads: tf.NamedTensorMap, lr: number): void {
    for (const v of vars) {
      tf.tidy(() => {
        const g = withWeightDecay(v, grads[v.name], this.weightDecay);
        const buf = this.slots.get(v, 'momentum');
        buf.assign(tf.add(tf.mul(buf, this.momentum), g));
        v.assign(tf.sub(v, tf.mul(buf, lr)));
      });
    }
  }

  /** Frees the momentum buffers. */
  dispose(): void {
    this.slots.dispose();
  }
}

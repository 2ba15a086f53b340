import * as tf from '@tensorflow/tfjs-core';
import { Optimizer, Slots, withWeightDecay } from './optimizer';

/** Adam (Kingma & Ba) with PyTorch's defaults: betas 0.9/0.999, eps 1e-8, coupled weight decay. */
export class Adam implements Optimizer {
  private readonly slots = new Slots();
  private t = 0;

  constructor(
    private readonly weightDecay = 0,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly eps = 1e-8,
  ) {}

  /** Adam (PyTorch semantics): moments, bias correction, the update at lr. */
  step(vars: tf.Variable[], grads: tf.NamedTensorMap, lr: number): void {
    this.t++;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = 1 - this.beta2 ** this.t;
    for (const v of vars) {
      tf.tidy(() => {
        const g = withWeightDecay(v, grads[v.name], this.weightDecay);
        const m = this.slots.get(v, 'm');
        const s = this.slots.get(v, 'v');
        m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1)));
        s.assign(tf.add(tf.mul(s, this.beta2), tf.mul(tf.square(g), 1 - this.beta2)));
        v.assign(tf.sub(v, tf.div(tf.mul(m, lr / c1), tf.add(tf.sqrt(tf.div(s, c2)), this.eps))));
      });
    }
  }

  /** Frees the moments. */
  dispose(): void {
    this.slots.dispose();
  }
}

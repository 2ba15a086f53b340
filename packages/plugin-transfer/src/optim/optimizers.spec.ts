import { selectBackend } from '@rtlab/backends';
import * as tf from '@tensorflow/tfjs-core';
import { Adam } from './adam';
import { scheduledRate } from './make-optimizer';
import { SgdMomentum } from './sgd-momentum';

describe('optimizers (hand-computed updates)', () => {
  beforeAll(() => selectBackend('cpu'));

  it('Adam: the first step moves each weight by lr * sign(grad) (bias-corrected moments)', () => {
    const w = tf.variable(tf.tensor1d([1, -2, 3]));
    const adam = new Adam();
    adam.step([w], { [w.name]: tf.tensor1d([0.5, -4, 0]) }, 0.1);
    expect(Array.from(w.dataSync())).toEqual([expect.closeTo(0.9, 6), expect.closeTo(-1.9, 6), expect.closeTo(3, 6)]);
    adam.dispose();
    w.dispose();
  });

  it('SGD with momentum and weight decay follows PyTorch: buf = m buf + g + wd w; w -= lr buf', () => {
    const w = tf.variable(tf.tensor1d([1]));
    const sgd = new SgdMomentum(0.9, 0.1);
    sgd.step([w], { [w.name]: tf.tensor1d([2]) }, 0.5); // buf = 2 + 0.1 = 2.1; w = 1 - 1.05 = -0.05
    expect(w.dataSync()[0]).toBeCloseTo(-0.05, 6);
    sgd.step([w], { [w.name]: tf.tensor1d([1]) }, 0.5); // buf = 0.9*2.1 + 1 - 0.005 = 2.885; w = -0.05 - 1.4425
    expect(w.dataSync()[0]).toBeCloseTo(-1.4925, 5);
    sgd.dispose();
    w.dispose();
  });

  it('cosine schedule: lr at t = 0, lr/2 halfway, 0 at the end', () => {
    expect([0, 50, 100].map((t) => scheduledRate(0.2, 'cosine', t, 100))).toEqual([
      0.2,
      expect.closeTo(0.1, 10),
      expect.closeTo(0, 10),
    ]);
    expect(scheduledRate(0.2, 'constant', 70, 100)).toBe(0.2);
  });
});

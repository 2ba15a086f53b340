import { selectBackend } from '@rtlab/backends';
import * as tf from '@tensorflow/tfjs-core';
import { inputGradient, lossAndGradient } from './input-gradient';

describe.each(['cpu', 'wasm'] as const)('input gradients on %s', (backend) => {
  beforeAll(() => selectBackend(backend));
  const loss = (x: tf.Tensor4D) => tf.sum(tf.square(x), [1, 2, 3]) as tf.Tensor1D;

  it('give 2x and the per-sample loss, the same in chunks, and leave only what they return', async () => {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6], [3, 1, 1, 2]);
    const before = tf.memory().numTensors;
    const whole = lossAndGradient(loss, x);
    const chunked = lossAndGradient(loss, x, 2);
    expect(Array.from(await whole.loss.data())).toEqual([5, 25, 61]);
    expect(Array.from(await chunked.loss.data())).toEqual([5, 25, 61]);
    expect(Array.from(await chunked.grad.data())).toEqual([2, 4, 6, 8, 10, 12]);
    expect(Array.from(await whole.grad.data())).toEqual([2, 4, 6, 8, 10, 12]);
    tf.dispose([whole.loss, whole.grad, chunked.loss, chunked.grad]);
    const g = inputGradient(loss, x, 2);
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([g, x]);
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../select-backend';
import { relativeError, wave } from '../kernel-check/compare-backends';

describe('BatchMatMul on wasm with transposed operands', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
    await selectBackend('wasm');
  });

  it.each([
    { a: [5, 7], b: [7, 3], ta: false, tb: false },
    { a: [5, 7], b: [3, 7], ta: false, tb: true },
    { a: [7, 5], b: [7, 3], ta: true, tb: false },
    { a: [7, 5], b: [3, 7], ta: true, tb: true },
    { a: [2, 4, 6], b: [2, 5, 6], ta: false, tb: true },
    { a: [64, 120], b: [2704, 120], ta: false, tb: true },
  ])('matches the cpu backend to 1e-5 relative: %o', (c) => {
    const { error, cpuShape, wasmShape } = relativeError(() => tf.matMul(wave(c.a), wave(c.b, 0.19), c.ta, c.tb));
    expect(wasmShape).toEqual(cpuShape);
    expect(error).toBeLessThanOrEqual(1e-5);
  });

  it('leaves no tensors or wasm buffers behind', () => {
    tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const ids = (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    tf.tidy(() => tf.matMul(tf.ones([3, 4]), tf.ones([5, 4]), false, true)).dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect((tf.backend() as unknown as { numDataIds(): number }).numDataIds()).toBe(ids);
  });
});

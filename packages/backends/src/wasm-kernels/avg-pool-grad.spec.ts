import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../select-backend';
import { relativeError, wave } from '../kernel-check/compare-backends';

describe('AvgPoolGrad on wasm', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
    await selectBackend('wasm');
  });

  it.each([
    { x: [2, 8, 8, 3], size: 2, stride: 2, pad: 'valid' as const },
    { x: [1, 60, 60, 6], size: 2, stride: 2, pad: 'valid' as const },
    { x: [2, 8, 8, 4], size: 8, stride: 1, pad: 'valid' as const },
    { x: [2, 7, 7, 2], size: 3, stride: 2, pad: 'same' as const },
    { x: [2, 9, 9, 2], size: 3, stride: 1, pad: 'valid' as const },
  ])('matches the cpu backend to 1e-5 relative (windows that tile, and the stock fallback): %o', (c) => {
    const { error, cpuShape, wasmShape } = relativeError(() => {
      const y = (x: tf.Tensor) => tf.avgPool(x as tf.Tensor4D, c.size, c.stride, c.pad);
      const upstream = wave(y(tf.zeros(c.x)).shape, 0.7);
      return tf.grad((x: tf.Tensor) => tf.sum(tf.mul(y(x), upstream)))(wave(c.x));
    });
    expect(wasmShape).toEqual(cpuShape);
    expect(error).toBeLessThanOrEqual(1e-5);
  });
});

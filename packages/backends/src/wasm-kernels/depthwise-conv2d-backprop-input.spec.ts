import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../select-backend';
import { relativeError, wave } from '../kernel-check/compare-backends';

type Pad = 'valid' | 'same' | [[number, number], [number, number], [number, number], [number, number]];
const CASES: { x: [number, number, number, number]; k: [number, number]; m: number; strides: number; pad: Pad }[] = [
  { x: [2, 9, 9, 3], k: [3, 3], m: 1, strides: 1, pad: 'same' },
  { x: [2, 10, 11, 4], k: [3, 3], m: 1, strides: 2, pad: 'same' },
  { x: [1, 11, 11, 2], k: [5, 5], m: 1, strides: 2, pad: 'valid' },
  { x: [2, 8, 8, 3], k: [3, 3], m: 2, strides: 1, pad: 'valid' },
  {
    x: [2, 9, 8, 4],
    k: [3, 3],
    m: 3,
    strides: 2,
    pad: [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ],
  },
];

describe('DepthwiseConv2dNativeBackpropInput on wasm (through tf.grad of depthwiseConv2d w.r.t. its input)', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
    await selectBackend('wasm');
  });

  it.each(CASES)('matches the cpu backend to 1e-5 relative: %o', (c) => {
    const { error, cpuShape, wasmShape } = relativeError(() => {
      const filter = wave([c.k[0], c.k[1], c.x[3], c.m], 0.11) as tf.Tensor4D;
      const y = (x: tf.Tensor) => tf.depthwiseConv2d(x as tf.Tensor4D, filter, c.strides, c.pad);
      const upstream = wave(y(tf.zeros(c.x)).shape, 0.23);
      return tf.grad((x: tf.Tensor) => tf.sum(tf.mul(y(x), upstream)))(wave(c.x));
    });
    expect(wasmShape).toEqual(cpuShape);
    expect(error).toBeLessThanOrEqual(1e-5);
  });
});

import { sizeOf } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../select-backend';

interface Case {
  x: [number, number, number, number];
  k: [number, number];
  co: number;
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];
}

const CASES: Case[] = [
  { x: [2, 9, 9, 3], k: [3, 3], co: 4, strides: 1, pad: 'valid' },
  { x: [2, 9, 9, 3], k: [3, 3], co: 4, strides: 1, pad: 'same' },
  { x: [3, 10, 11, 2], k: [3, 3], co: 5, strides: 2, pad: 'same' },
  { x: [1, 10, 10, 4], k: [5, 5], co: 6, strides: 2, pad: 'valid' },
  { x: [2, 8, 8, 16], k: [1, 1], co: 8, strides: 2, pad: 'valid' },
  // Unequal strides use explicit padding: with a numeric pad, tfjs 4.22 sizes the output width with the
  // height stride (on every backend), and on wasm the conv then writes past its output buffer.
  {
    x: [2, 7, 9, 1],
    k: [5, 3],
    co: 6,
    strides: [2, 1],
    pad: [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ],
  },
  { x: [4, 12, 12, 6], k: [3, 3], co: 16, strides: 1, pad: 1 },
];

function filterGrad(c: Case, backend: string, x: Float32Array, dy: Float32Array, dyShape: number[]): Float32Array {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const input = tf.tensor4d(x, c.x);
    const upstream = tf.tensor4d(dy, dyShape as [number, number, number, number]);
    const loss = (filter: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2d(input, filter as tf.Tensor4D, c.strides, c.pad), upstream));
    return tf
      .grad(loss)(tf.zeros([c.k[0], c.k[1], c.x[3], c.co]))
      .dataSync() as Float32Array;
  });
}

describe('Conv2DBackpropFilter on wasm (through tf.grad of conv2d)', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
    await selectBackend('wasm');
  });

  it.each(CASES)('matches the cpu backend to 1e-5 relative: %o', (c) => {
    const x = Float32Array.from({ length: sizeOf(c.x) }, (_, i) => Math.sin(i * 0.37));
    tf.setBackend('cpu');
    const dyShape = tf.tidy(
      () =>
        tf.conv2d(
          tf.zeros(c.x) as tf.Tensor4D,
          tf.zeros([c.k[0], c.k[1], c.x[3], c.co]) as tf.Tensor4D,
          c.strides,
          c.pad,
        ).shape,
    );
    const dy = Float32Array.from({ length: sizeOf(dyShape) }, (_, i) => Math.cos(i * 0.11));
    const expected = filterGrad(c, 'cpu', x, dy, dyShape);
    const actual = filterGrad(c, 'wasm', x, dy, dyShape);
    const scale = Math.max(...expected.map(Math.abs));
    const worst = Math.max(...expected.map((e, i) => Math.abs(e - actual[i])));
    expect(actual.length).toBe(expected.length);
    expect(worst / scale).toBeLessThanOrEqual(1e-5);
  });

  it('leaves no tensors behind', () => {
    tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const dataIds = (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    const profile = tf.tidy(() =>
      tf.grad((f: tf.Tensor) => tf.sum(tf.conv2d(tf.ones([2, 6, 6, 3]) as tf.Tensor4D, f as tf.Tensor4D, 2, 'same')))(
        tf.ones([3, 3, 3, 4]),
      ),
    );
    profile.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect((tf.backend() as unknown as { numDataIds(): number }).numDataIds()).toBe(dataIds);
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../select-backend';
import { relativeError } from '../kernel-check/compare-backends';

/**
 * Activations as batch norm averages them after ReLU and pooling over mostly empty images: one value
 * repeated (the bias over the background) with a few others. Adding the same small value to a large
 * float32 sum rounds the same way every time: the case where a single running sum drifts.
 */
const positive = (shape: number[]) =>
  tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b) }, (_, i) =>
      i % 37 === 0 ? 0.9 * ((i * 0.618) % 1) : 0.1848989,
    ),
    shape,
  );

/** The float64 mean of each of the last axis's channels. */
function exactChannelMeans(t: tf.Tensor): number[] {
  const data = t.dataSync();
  const c = t.shape[t.shape.length - 1];
  const sums = new Float64Array(c);
  data.forEach((v, i) => (sums[i % c] += v));
  return Array.from(sums, (s) => s / (data.length / c));
}

describe('Sum and Mean on wasm over long reductions', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
    await selectBackend('wasm');
  });

  it('a batch-norm mean over 57 600 values per channel equals the float64 mean to 1e-6 (the stock kernel: 5e-4)', () => {
    tf.setBackend('wasm');
    const x = positive([64, 30, 30, 6]);
    const means = tf.mean(x, [0, 1, 2]).dataSync();
    exactChannelMeans(x).forEach((m, c) => expect(Math.abs(means[c] - m) / m).toBeLessThan(1e-6));
    tf.dispose(x);
  });

  it.each([
    ['sum over every axis but the last', (x: tf.Tensor) => tf.sum(x, [0, 1, 2])],
    ['mean with keepDims', (x: tf.Tensor) => tf.mean(x, [0, 1, 2], true)],
    ['sum over the middle axes', (x: tf.Tensor) => tf.sum(x, [1, 2])],
    ['sum of everything', (x: tf.Tensor) => tf.sum(x)],
    [
      'moments (mean and variance)',
      (x: tf.Tensor) => {
        const m = tf.moments(x, [0, 1, 2]);
        return tf.concat([m.mean, m.variance]);
      },
    ],
    ['a short sum (the stock kernel)', (x: tf.Tensor) => tf.sum(x, [3])],
    ['a short mean (the stock kernel)', (x: tf.Tensor) => tf.mean(x, [3])],
    [
      'moments of a dense layer over a batch of 64 (short) and 65 (long)',
      () =>
        tf.concat([
          ...Object.values(tf.moments(positive([64, 84]), [0])),
          ...Object.values(tf.moments(positive([65, 84]), [0])),
        ]),
    ],
    ["the mean's gradient", (x: tf.Tensor) => tf.grad((v) => tf.mean(tf.square(v)))(x)],
  ])('%s matches the cpu backend to 1e-6 relative', (_what, f) => {
    const { error, cpuShape, wasmShape } = relativeError(() => f(positive([16, 30, 30, 6])));
    expect(wasmShape).toEqual(cpuShape);
    expect(error).toBeLessThanOrEqual(1e-6);
  });

  it('releases every intermediate: tensor and backend data counts return to their start', () => {
    tf.setBackend('wasm');
    const x = positive([8, 20, 20, 3]);
    const [tensors, data] = [tf.memory().numTensors, tf.backend().numDataIds()];
    tf.tidy(() => [
      tf.mean(x, [0, 1, 2]).dataSync(),
      tf.sum(x, [1, 2], true).dataSync(),
      tf.mean(x, [0, 1, 2, 3]).dataSync(),
    ]);
    expect([tf.memory().numTensors, tf.backend().numDataIds()]).toEqual([tensors, data]);
    x.dispose();
  });
});

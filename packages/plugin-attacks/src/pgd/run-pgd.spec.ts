import { selectBackend } from '@rtlab/backends';
import * as tf from '@tensorflow/tfjs-core';
import { pgdL2 } from './pgd-l2';
import { pgdLinf } from './pgd-linf';
import { PgdSettings, runPgd } from './run-pgd';

const settings = (s: Partial<PgdSettings> = {}): PgdSettings => ({
  eps: 0.1,
  steps: 10,
  stepSize: 0.05,
  randomStart: true,
  bounds: [0, 1],
  seed: 3,
  ...s,
});
/** A non-linear loss with a sample-dependent gradient. */
const wavy = (x: tf.Tensor4D) => tf.sum(tf.sin(tf.mul(x, tf.linspace(1, 30, x.shape[3]))), [1, 2, 3]) as tf.Tensor1D;

describe.each(['cpu', 'wasm'] as const)('runPgd on %s', (backend) => {
  beforeAll(() => selectBackend(backend));
  const x0 = () =>
    tf.tensor4d(
      Float32Array.from({ length: 4 * 3 * 3 * 5 }, (_, i) => (i * 0.137) % 1),
      [4, 3, 3, 5],
    );

  it('Linf: every iterate stays in the eps-ball and the bounds', async () => {
    const start = x0();
    const x = await runPgd(pgdLinf, wavy, start, settings());
    expect(tf.max(tf.abs(tf.sub(x, start))).dataSync()[0]).toBeLessThanOrEqual(0.1 + 1e-6);
    expect(tf.min(x).dataSync()[0]).toBeGreaterThanOrEqual(0);
    expect(tf.max(x).dataSync()[0]).toBeLessThanOrEqual(1);
    tf.dispose([x, start]);
  });

  it('L2: every sample stays within eps in L2 and inside the bounds', async () => {
    const start = x0();
    const x = await runPgd(pgdL2, wavy, start, settings({ eps: 0.3, stepSize: 0.2 }));
    const norms = tf.norm(tf.reshape(tf.sub(x, start), [4, -1]), 'euclidean', 1).dataSync();
    norms.forEach((n) => expect(n).toBeLessThanOrEqual(0.3 * (1 + 1e-5)));
    expect(tf.min(x).dataSync()[0]).toBeGreaterThanOrEqual(0);
    tf.dispose([x, start]);
  });

  it('L2 projection is exact: scales a long delta to norm eps along the same direction, leaves a short one', async () => {
    const zero = tf.zeros([2, 1, 1, 2]) as tf.Tensor4D;
    const x = tf.tensor4d([3, 4, 0.03, 0.04], [2, 1, 1, 2]);
    expect(Array.from(pgdL2.project(x, zero, 0.5).dataSync())).toEqual([
      expect.closeTo(0.3, 7),
      expect.closeTo(0.4, 7),
      expect.closeTo(0.03, 7),
      expect.closeTo(0.04, 7),
    ]);
  });

  it('one step on a linear model equals the hand-computed one (Linf and L2)', async () => {
    // loss(x) = |c . x - y|; at x0, c . x0 - y < 0, so the gradient is -c.
    const c = [2, -1, 0.5, 0];
    const x0v = [0.5, 0.5, 0.5, 0.95];
    const loss = (x: tf.Tensor4D) => tf.abs(tf.sub(tf.sum(tf.mul(tf.reshape(x, [1, 4]), c), 1), 3)) as tf.Tensor1D;
    const start = tf.tensor4d(x0v, [1, 1, 1, 4]);
    const linf = await runPgd(
      pgdLinf,
      loss,
      start,
      settings({ steps: 1, randomStart: false, eps: 0.2, stepSize: 0.15 }),
    );
    // x + 0.15 * sign(-c) = [0.35, 0.65, 0.35, 0.95] (sign(0) = 0)
    expect(Array.from(linf.dataSync())).toEqual([0.35, 0.65, 0.35, 0.95].map((v) => expect.closeTo(v, 6)));
    const l2 = await runPgd(pgdL2, loss, start, settings({ steps: 1, randomStart: false, eps: 0.2, stepSize: 0.3 }));
    // step 0.3 along -c/|c| overshoots eps = 0.2, so the projection leaves x0 + 0.2 * (-c/|c|)
    const n = Math.hypot(...c);
    expect(Array.from(l2.dataSync())).toEqual(x0v.map((v, i) => expect.closeTo(v - (0.2 * c[i]) / n, 6)));
    tf.dispose([start, linf, l2]);
  });

  it('repeats exactly with the seed and differs with another seed', async () => {
    const start = x0();
    const [a, b, c] = await Promise.all(
      [3, 3, 4].map((seed) => runPgd(pgdL2, wavy, start, settings({ seed, eps: 0.3 }))),
    );
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    tf.dispose([start, a, b, c]);
  });

  it('chunked input gradients (gradientBatch) give exactly the unchunked iterates', async () => {
    const start = x0();
    const weights = tf.tensor1d([1, -2, 0.5, 3]);
    // A per-sample loss that reads per-row data, the way objectives read targets.
    const loss = (x: tf.Tensor4D, row: number) =>
      tf.mul(wavy(x), tf.slice(weights, [row], [x.shape[0]])) as tf.Tensor1D;
    const whole = await runPgd(pgdLinf, loss, start, settings({ randomStart: false }));
    const chunked = await runPgd(pgdLinf, loss, start, settings({ randomStart: false, gradientBatch: 3 }));
    expect(Array.from(chunked.dataSync())).toEqual(Array.from(whole.dataSync()));
    tf.dispose([start, weights, whole, chunked]);
  });

  it('leaves only its result allocated', async () => {
    const start = x0();
    const before = tf.memory().numTensors;
    const x = await runPgd(pgdLinf, wavy, start, settings());
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([x, start]);
  });
});

import { selectBackend } from '@rtlab/backends';
import * as tf from '@tensorflow/tfjs-core';
import { pgdL1, projectL1Ball } from './pgd-l1';
import { runPgd } from './run-pgd';

/** The projection found another way: bisection on theta with sum(max(|v| - theta, 0)) = eps, in float64. */
function bisected(v: number[], eps: number): number[] {
  if (v.reduce((s, x) => s + Math.abs(x), 0) <= eps) return v;
  let [lo, hi] = [0, Math.max(...v.map(Math.abs))];
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (v.reduce((s, x) => s + Math.max(Math.abs(x) - mid, 0), 0) > eps) lo = mid;
    else hi = mid;
  }
  return v.map((x) => Math.sign(x) * Math.max(Math.abs(x) - hi, 0));
}

const wavy = (x: tf.Tensor4D) => tf.sum(tf.sin(tf.mul(x, tf.linspace(1, 30, x.shape[3]))), [1, 2, 3]) as tf.Tensor1D;

describe.each(['cpu', 'wasm'] as const)('L1-PGD (a variant in one file) on %s', (backend) => {
  beforeAll(() => selectBackend(backend));

  it('projects onto the L1 ball exactly: a hand-worked case, and random rows against bisection', () => {
    const hand = projectL1Ball(tf.tensor2d([[3, -2, 0, 0]]), 3);
    expect(Array.from(hand.dataSync())).toEqual([2, -1, 0, 0]);
    const rows = Array.from({ length: 6 }, (_, r) =>
      Array.from({ length: 50 }, (_, i) => Math.sin(i * 1.7 + r) * (r + 1)),
    );
    const projected = projectL1Ball(tf.tensor2d(rows), 4);
    const got = projected.arraySync();
    rows.forEach((row, r) => bisected(row, 4).forEach((w, i) => expect(Math.abs(got[r][i] - w)).toBeLessThan(1e-5)));
    const inside = [[0.1, -0.2, 0.3]];
    expect(projectL1Ball(tf.tensor2d(inside), 4).arraySync()).toEqual([[0.1, -0.2, 0.3].map((x) => Math.fround(x))]);
    tf.dispose([hand, projected]);
  });

  it('starts uniformly in the L1 ball: ||delta||_1 / eps has the mean d / (d + 1) of a uniform point', () => {
    const x0 = tf.zeros([2000, 1, 1, 4]) as tf.Tensor4D;
    const start = pgdL1.randomStart(x0, 0.5, 7);
    const r = tf.tidy(() => tf.div(tf.sum(tf.abs(tf.reshape(start, [2000, 4])), 1), 0.5));
    const radii = Array.from(r.dataSync());
    expect(Math.max(...radii)).toBeLessThanOrEqual(1 + 1e-6);
    expect(radii.reduce((s, r) => s + r, 0) / radii.length).toBeCloseTo(4 / 5, 1);
    tf.dispose([x0, start, r]);
  });

  it('attacks: every sample ends within eps in L1 and inside the bounds, with a higher loss, and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const x0 = tf.tensor4d(
      Float32Array.from({ length: 4 * 3 * 3 * 5 }, (_, i) => (i * 0.137) % 1),
      [4, 3, 3, 5],
    );
    const x = await runPgd(pgdL1, wavy, x0, {
      eps: 0.5,
      steps: 10,
      stepSize: 0.1,
      randomStart: true,
      bounds: [0, 1],
      seed: 3,
    });
    const [l1, lo, hi, gain] = tf.tidy(
      () =>
        [
          tf.sum(tf.abs(tf.reshape(tf.sub(x, x0), [4, -1])), 1).dataSync(),
          tf.min(x).dataSync()[0],
          tf.max(x).dataSync()[0],
          tf.sum(tf.sub(wavy(x), wavy(x0))).dataSync()[0],
        ] as const,
    );
    l1.forEach((n) => expect(n).toBeLessThanOrEqual(0.5 * (1 + 1e-5)));
    expect([lo >= 0, hi <= 1]).toEqual([true, true]);
    expect(gain).toBeGreaterThan(0);
    tf.dispose([x, x0]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

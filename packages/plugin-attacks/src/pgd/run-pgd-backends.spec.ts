import { selectBackend } from '@rtlab/backends';
import * as tf from '@tensorflow/tfjs-core';
import { pgdL2 } from './pgd-l2';
import { pgdLinf } from './pgd-linf';
import { PgdSettings, runPgd } from './run-pgd';
import { PgdVariant } from './pgd-variant';

// PGD must take the same steps on every backend we ship, including where gradients are tiny (a
// confident classifier's CE gradient is ~1e-9): tfjs-wasm's stock Sign returned 0 below 1.2e-7.
const BACKENDS = ['cpu', 'wasm'] as const;
const settings = (s: Partial<PgdSettings> = {}): PgdSettings => ({
  eps: 0.1,
  steps: 8,
  stepSize: 0.03,
  randomStart: true,
  bounds: [0, 1],
  seed: 11,
  ...s,
});
/** A non-linear per-sample loss whose gradient is about `scale` in magnitude. */
const wavy = (scale: number) => (x: tf.Tensor4D) =>
  tf.mul(tf.sum(tf.sin(tf.mul(x, tf.linspace(1, 30, x.shape[3]))), [1, 2, 3]), scale) as tf.Tensor1D;
const x0Values = Float32Array.from({ length: 3 * 4 * 4 * 6 }, (_, i) => 0.2 + ((i * 0.137) % 0.6));

async function trajectory(
  backend: string,
  variant: PgdVariant,
  scale: number,
  s: Partial<PgdSettings> = {},
): Promise<Float32Array> {
  tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const x0 = tf.tensor4d(x0Values, [3, 4, 4, 6]);
  const x = await runPgd(variant, wavy(scale), x0, settings(s));
  const out = x.dataSync() as Float32Array;
  tf.dispose([x, x0]);
  expect(tf.memory().numTensors).toBe(before);
  return out;
}

describe('PGD on every backend', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
    await selectBackend('wasm');
  });

  it.each(BACKENDS)(
    '%s: a Linf step with gradients of 1e-9 moves every coordinate by the full step size',
    async (backend) => {
      tf.setBackend(backend);
      const c = Float32Array.from({ length: 8 }, (_, i) => (i % 2 ? -1 : 1) * (1 + i) * 1e-9);
      const x0 = tf.tensor4d(new Float32Array(8).fill(0.5), [1, 1, 1, 8]);
      const loss = (x: tf.Tensor4D) => tf.sum(tf.mul(tf.reshape(x, [1, 8]), c), 1) as tf.Tensor1D;
      const x = await runPgd(pgdLinf, loss, x0, settings({ steps: 1, randomStart: false, stepSize: 0.05 }));
      expect(Array.from(x.dataSync())).toEqual(Array.from(c, (v) => expect.closeTo(0.5 + 0.05 * Math.sign(v), 7)));
      tf.dispose([x, x0]);
    },
  );

  it.each([1, 1e-9])('Linf trajectories on wasm equal those on cpu (gradient scale %p)', async (scale) => {
    const cpu = await trajectory('cpu', pgdLinf, scale);
    const wasm = await trajectory('wasm', pgdLinf, scale);
    expect(Array.from(wasm)).toEqual(Array.from(cpu, (v) => expect.closeTo(v, 6)));
    expect(Array.from(cpu)).not.toEqual(Array.from(await trajectory('cpu', pgdLinf, scale, { steps: 0 })));
  });

  it.each([1, 1e-9])('L2 trajectories on wasm equal those on cpu (gradient scale %p)', async (scale) => {
    const cpu = await trajectory('cpu', pgdL2, scale, { eps: 0.5, stepSize: 0.2 });
    const wasm = await trajectory('wasm', pgdL2, scale, { eps: 0.5, stepSize: 0.2 });
    expect(Array.from(wasm)).toEqual(Array.from(cpu, (v) => expect.closeTo(v, 5)));
  });
});

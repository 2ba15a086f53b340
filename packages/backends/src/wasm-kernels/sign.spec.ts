import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../select-backend';

const VALUES = [
  -3, -1e-3, -1.1e-7, -1e-9, -1e-20, -1e-38, -1e-42, -0, 0, 1e-42, 1e-38, 1e-20, 1e-9, 1e-7, 1.1e-7, 2e-7, 1e-3, 5,
];
const EXPECTED = VALUES.map((v) => (v > 0 ? 1 : v < 0 ? -1 : 0));

function signOn(
  backend: string,
  values: number[],
  dtype: 'float32' | 'int32' = 'float32',
): { data: number[]; dtype: string } {
  tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const t = tf.tidy(() => tf.sign(tf.tensor1d(values, dtype)));
  const out = { data: Array.from(t.dataSync()), dtype: t.dtype };
  t.dispose();
  expect(tf.memory().numTensors).toBe(before);
  return out;
}

describe('Sign on wasm', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
    await selectBackend('wasm');
  });

  it('is exact for magnitudes far below FLT_EPSILON, as on the cpu backend', () => {
    expect(signOn('wasm', VALUES).data.map((v) => v + 0)).toEqual(EXPECTED);
    expect(signOn('cpu', VALUES).data.map((v) => v + 0)).toEqual(EXPECTED);
  });

  it('keeps int32 tensors int32', () => {
    expect(signOn('wasm', [-4, 0, 7], 'int32')).toEqual({ data: [-1, 0, 1], dtype: 'int32' });
  });
});

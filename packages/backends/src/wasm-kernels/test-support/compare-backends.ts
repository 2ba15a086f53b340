import { sizeOf } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';

/** Deterministic test data of a shape. */
export function wave(shape: number[], phase = 0.37): tf.Tensor {
  const n = sizeOf(shape);
  return tf.tensor(Float32Array.from({ length: n }, (_, i) => Math.sin(i * phase + 0.1)), shape);
}

/** Runs f on the cpu and the wasm backend; the largest difference relative to the largest cpu value. */
export function relativeError(f: () => tf.Tensor): { error: number; cpuShape: number[]; wasmShape: number[] } {
  const run = (backend: string) => {
    tf.setBackend(backend);
    const t = tf.tidy(f);
    const out = { data: t.dataSync() as Float32Array, shape: t.shape };
    t.dispose();
    return out;
  };
  const cpu = run('cpu');
  const wasm = run('wasm');
  let scale = 1e-30;
  let worst = 0;
  cpu.data.forEach((v, i) => {
    scale = Math.max(scale, Math.abs(v));
    worst = Math.max(worst, Math.abs(v - wasm.data[i]));
  });
  return { error: worst / scale, cpuShape: cpu.shape, wasmShape: wasm.shape };
}

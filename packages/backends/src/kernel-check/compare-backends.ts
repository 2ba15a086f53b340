import { sizeOf } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';

/** Deterministic test data of a shape. */
export function wave(shape: number[], phase = 0.37): tf.Tensor {
  const n = sizeOf(shape);
  return tf.tensor(
    Float32Array.from({ length: n }, (_, i) => Math.sin(i * phase + 0.1)),
    shape,
  );
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
  return { error: relativeTo(cpu.data, wasm.data), cpuShape: cpu.shape, wasmShape: wasm.shape };
}

/** Runs f on the cpu and on `backend`, reading asynchronously (webgpu has no synchronous read in Node). */
export async function compareWithCpu(
  backend: string,
  f: () => tf.Tensor,
): Promise<{ error: number; shapes: [number[], number[]]; leaked: number }> {
  const run = async (name: string) => {
    tf.setBackend(name);
    const before = tf.memory().numTensors;
    const t = tf.tidy(f);
    const out = { data: (await t.data()) as Float32Array, shape: t.shape };
    t.dispose();
    return { ...out, leaked: tf.memory().numTensors - before };
  };
  const cpu = await run('cpu');
  const other = await run(backend);
  return {
    error: relativeTo(cpu.data, other.data),
    shapes: [cpu.shape, other.shape],
    leaked: cpu.leaked + other.leaked,
  };
}

/** max |a - b| / max |a|. */
function relativeTo(reference: ArrayLike<number>, other: ArrayLike<number>): number {
  let scale = 1e-30;
  let worst = 0;
  for (let i = 0; i < reference.length; i++) {
    scale = Math.max(scale, Math.abs(reference[i]));
    worst = Math.max(worst, Math.abs(reference[i] - other[i]));
  }
  return worst / scale;
}

import * as tf from '@tensorflow/tfjs-core';
import { buildWorkload, WorkloadSpec } from './workloads';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export interface Measurement {
  imagesPerSecond: number;
  /** tfjs's peak bytes in the warm-up run. */
  peakBytes: number;
  /** Seconds of the warm-up run (on webgpu it compiles the shaders) and of each timed run. */
  warmUpS: number;
  timesS: number[];
}

/**
 * Median images/s over `repeats` timed runs after a warm-up run, which also measures tfjs's peak bytes;
 * fewer runs (at least one) once `budgetS` seconds have gone, warm-up included. Throws when the workload
 * leaks tensors.
 */
export async function measureWorkload(spec: WorkloadSpec, repeats: number, budgetS = Infinity): Promise<Measurement> {
  const before = tf.memory().numTensors;
  const w = await buildWorkload(spec);
  const seconds = async () => {
    const t = process.hrtime.bigint();
    await w.run();
    return Number(process.hrtime.bigint() - t) / 1e9;
  };
  let measured: Measurement;
  try {
    let warmUpS = 0;
    const profile = await tf.profile(async () => {
      warmUpS = await seconds();
    });
    const timesS: number[] = [];
    const started = process.hrtime.bigint();
    const spentS = () => warmUpS + Number(process.hrtime.bigint() - started) / 1e9;
    for (let i = 0; i < repeats && (i === 0 || spentS() < budgetS); i++) timesS.push(await seconds());
    measured = { imagesPerSecond: w.images / median(timesS), peakBytes: profile.peakBytes, warmUpS, timesS };
  } finally {
    w.dispose();
  }
  const leaked = tf.memory().numTensors - before;
  if (leaked) throw new Error(`${spec.name} leaked ${leaked} tensors`);
  return measured;
}

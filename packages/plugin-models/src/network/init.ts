import { HEAD_BIAS, HEAD_WEIGHT, HostTensor, SeededRng, sizeOf } from '@rtlab/sdk';

function uniform(shape: number[], bound: number, rng: SeededRng): HostTensor {
  const n = sizeOf(shape);
  return { dtype: 'float32', shape, data: Float32Array.from({ length: n }, () => (2 * rng.uniform() - 1) * bound) };
}

function filled(shape: number[], value: number): HostTensor {
  return { dtype: 'float32', shape, data: new Float32Array(sizeOf(shape)).fill(value) };
}

/** PyTorch's default Conv2d init: weight and bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)); weight [kh, kw, in, out]. */
export function initConv(
  name: string,
  kh: number,
  kw: number,
  cin: number,
  cout: number,
  rng: SeededRng,
  bias = true,
): Record<string, HostTensor> {
  const bound = 1 / Math.sqrt(kh * kw * cin);
  return {
    [`${name}.weight`]: uniform([kh, kw, cin, cout], bound, rng),
    ...(bias ? { [`${name}.bias`]: uniform([cout], bound, rng) } : {}),
  };
}

/** PyTorch's default Linear init; weight [in, out]. */
export function initDense(name: string, cin: number, cout: number, rng: SeededRng): Record<string, HostTensor> {
  const bound = 1 / Math.sqrt(cin);
  return { [`${name}.weight`]: uniform([cin, cout], bound, rng), [`${name}.bias`]: uniform([cout], bound, rng) };
}

/** A linear head f(x) = W g(x) + b with W [outputs, features] (rows w_j, as in docs/theory.md). */
export function initHead(features: number, outputs: number, rng: SeededRng): Record<string, HostTensor> {
  const bound = 1 / Math.sqrt(features);
  return { [HEAD_WEIGHT]: uniform([outputs, features], bound, rng), [HEAD_BIAS]: uniform([outputs], bound, rng) };
}

export function initBatchNorm(name: string, channels: number): Record<string, HostTensor> {
  return {
    [`${name}.weight`]: filled([channels], 1),
    [`${name}.bias`]: filled([channels], 0),
    [`${name}.running_mean`]: filled([channels], 0),
    [`${name}.running_var`]: filled([channels], 1),
  };
}

import { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { callKernel, release } from '../kernels/call-kernel';

/**
 * [N, H, W, C] -> [N, H*sh, W*sw, C] with each value followed by sh-1 zero rows and sw-1 zero columns
 * (the transpose of a strided sampling). Returns the input itself when both strides are 1.
 */
export function insertZeros(backend: KernelBackend, x: TensorInfo, sh: number, sw: number): TensorInfo {
  if (sh === 1 && sw === 1) return x;
  const [n, h, w, c] = x.shape;
  const expanded = callKernel('Reshape', backend, { x }, { shape: [n, h, 1, w, 1, c] });
  const padded = callKernel(
    'PadV2',
    backend,
    { x: expanded },
    {
      paddings: [
        [0, 0],
        [0, 0],
        [0, sh - 1],
        [0, 0],
        [0, sw - 1],
        [0, 0],
      ],
      constantValue: 0,
    },
  );
  const out = callKernel('Reshape', backend, { x: padded }, { shape: [n, h * sh, w * sw, c] });
  release(backend, expanded, padded);
  return out;
}

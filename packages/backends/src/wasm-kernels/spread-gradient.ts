import { backend_util, KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { callKernel } from '../kernels/call-kernel';
import { insertZeros } from './insert-zeros';

/** dy prepared for an input gradient by a stride-1 forward convolution, the padding that takes, and what to free. */
export interface SpreadGradient {
  x: TensorInfo;
  pad: [[number, number], [number, number], [number, number], [number, number]];
  temporaries: TensorInfo[];
}

/**
 * An input gradient as a full correlation: dy with zeros inserted for the stride, cut or padded so that a
 * stride-1 convolution with the filter rotated by 180 degrees returns exactly the input's height and width.
 */
export function spreadGradient(
  backend: KernelBackend,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
  inputShape: [number, number, number, number],
): SpreadGradient {
  const [kh, kw] = [info.filterHeight, info.filterWidth];
  const [, h, w] = inputShape;
  const spread = insertZeros(backend, dy, info.strideHeight, info.strideWidth);
  const top = kh - 1 - info.padInfo.top;
  const left = kw - 1 - info.padInfo.left;
  const bottom = h + kh - 1 - top - spread.shape[1];
  const right = w + kw - 1 - left - spread.shape[2];
  const [n, sh, sw, c] = spread.shape;
  const fitted =
    bottom < 0 || right < 0
      ? callKernel(
          'Slice',
          backend,
          { x: spread },
          { begin: [0, 0, 0, 0], size: [n, sh + Math.min(bottom, 0), sw + Math.min(right, 0), c] },
        )
      : spread;
  return {
    x: fitted,
    pad: [
      [0, 0],
      [top, Math.max(bottom, 0)],
      [left, Math.max(right, 0)],
      [0, 0],
    ],
    temporaries: [...(fitted !== spread ? [fitted] : []), ...(spread !== dy ? [spread] : [])],
  };
}

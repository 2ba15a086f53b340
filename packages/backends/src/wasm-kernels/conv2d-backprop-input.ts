import {
  backend_util,
  Conv2DBackpropInputAttrs,
  KernelBackend,
  NamedTensorInfoMap,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { callKernel, release } from '../kernels/call-kernel';
import { insertZeros } from './insert-zeros';

/**
 * dx = full correlation of dy (zeros inserted between rows/columns for stride s) with the filter
 * rotated by 180 degrees and its in/out channels swapped: one forward conv, the backend's fastest
 * kernel (XNNPACK on wasm), instead of the stock wasm kernel's direct loops.
 */
export function conv2dBackpropInput(args: {
  inputs: NamedTensorInfoMap;
  backend: KernelBackend;
  attrs: unknown;
}): TensorInfo {
  const { inputs, backend } = args;
  const attrs = args.attrs as unknown as Conv2DBackpropInputAttrs;
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  if (attrs.dataFormat !== 'NHWC')
    throw new Error(`Conv2DBackpropInput on wasm supports NHWC only, got ${attrs.dataFormat}`);
  const [kh, kw] = filter.shape;
  const info = backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const [, h, w] = attrs.inputShape;
  const spread = insertZeros(backend, dy, info.strideHeight, info.strideWidth);
  const top = kh - 1 - info.padInfo.top;
  const left = kw - 1 - info.padInfo.left;
  const bottom = h + kh - 1 - top - spread.shape[1];
  const right = w + kw - 1 - left - spread.shape[2];
  const fitted =
    bottom < 0 || right < 0
      ? callKernel(
          'Slice',
          backend,
          { x: spread },
          {
            begin: [0, 0, 0, 0],
            size: [
              spread.shape[0],
              spread.shape[1] + Math.min(bottom, 0),
              spread.shape[2] + Math.min(right, 0),
              spread.shape[3],
            ],
          },
        )
      : spread;
  const flipped = callKernel('Reverse', backend, { x: filter }, { dims: [0, 1] });
  const swapped = callKernel('Transpose', backend, { x: flipped }, { perm: [0, 1, 3, 2] });
  const dx = callKernel(
    'Conv2D',
    backend,
    { x: fitted, filter: swapped },
    {
      strides: [1, 1],
      pad: [
        [0, 0],
        [top, Math.max(bottom, 0)],
        [left, Math.max(right, 0)],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations: [1, 1],
    },
  );
  release(backend, flipped, swapped, ...(fitted !== spread ? [fitted] : []), ...(spread !== dy ? [spread] : []));
  return dx;
}

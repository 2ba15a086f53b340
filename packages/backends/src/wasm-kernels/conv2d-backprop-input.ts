import {
  backend_util,
  Conv2DBackpropInputAttrs,
  KernelBackend,
  NamedTensorInfoMap,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { callKernel, release } from '../kernels/call-kernel';
import { spreadGradient } from './spread-gradient';

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
  const info = backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const spread = spreadGradient(backend, dy, info, attrs.inputShape);
  const flipped = callKernel('Reverse', backend, { x: filter }, { dims: [0, 1] });
  const swapped = callKernel('Transpose', backend, { x: flipped }, { perm: [0, 1, 3, 2] });
  const dx = callKernel(
    'Conv2D',
    backend,
    { x: spread.x, filter: swapped },
    {
      strides: [1, 1],
      pad: spread.pad,
      dataFormat: 'NHWC',
      dilations: [1, 1],
    },
  );
  release(backend, flipped, swapped, ...spread.temporaries);
  return dx;
}

import {
  backend_util,
  Conv2DBackpropFilterAttrs,
  KernelBackend,
  NamedTensorInfoMap,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { callKernel, release } from '../kernels/call-kernel';

/**
 * dW[kh,kw,ci,co] = sum_{n,oh,ow} x[n, oh*s+kh-pt, ow*s+kw-pl, ci] * dy[n,oh,ow,co], computed as one
 * forward convolution with batch and channel axes swapped: x^T [Ci,H,W,N] convolved with dy^T
 * [OH,OW,N,Co] dilated by the stride, giving [Ci,KH',KW',Co] (KH' >= KH; the extra rows are cut).
 * The forward conv is the backend's fastest kernel (XNNPACK on wasm).
 */
export function conv2dBackpropFilter(args: {
  inputs: NamedTensorInfoMap;
  backend: KernelBackend;
  attrs: unknown;
}): TensorInfo {
  const { inputs, backend } = args;
  const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  if (attrs.dataFormat !== 'NHWC')
    throw new Error(`Conv2DBackpropFilter on wasm supports NHWC only, got ${attrs.dataFormat}`);
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const [kh, kw, ci, co] = attrs.filterShape;
  const { top, bottom, left, right } = info.padInfo;
  const xT = callKernel('Transpose', backend, { x }, { perm: [3, 1, 2, 0] });
  const dyT = callKernel('Transpose', backend, { x: dy }, { perm: [1, 2, 0, 3] });
  const conv = callKernel(
    'Conv2D',
    backend,
    { x: xT, filter: dyT },
    {
      strides: [1, 1],
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations: [info.strideHeight, info.strideWidth],
      ...(attrs.dimRoundingMode ? { dimRoundingMode: attrs.dimRoundingMode } : {}),
    },
  );
  const exact = conv.shape[1] === kh && conv.shape[2] === kw;
  const cut = exact ? conv : callKernel('Slice', backend, { x: conv }, { begin: [0, 0, 0, 0], size: [ci, kh, kw, co] });
  const out = callKernel('Transpose', backend, { x: cut }, { perm: [1, 2, 0, 3] });
  release(backend, xT, dyT, conv, ...(exact ? [] : [cut]));
  return out;
}

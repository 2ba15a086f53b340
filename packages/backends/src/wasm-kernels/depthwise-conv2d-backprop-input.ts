import {
  backend_util,
  DepthwiseConv2dNativeBackpropInputAttrs,
  KernelBackend,
  NamedTensorInfoMap,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { callKernel, release } from '../kernels/call-kernel';
import { spreadGradient } from './spread-gradient';

/**
 * The input gradient of a depthwise convolution, which the wasm backend lacks: dx is dy (zeros inserted
 * for the stride) correlated with each channel's filter rotated by 180 degrees, one depthwise forward
 * conv; with a channel multiplier m > 1 the m outputs of each input channel are then summed.
 */
export function depthwiseConv2dBackpropInput(args: {
  inputs: NamedTensorInfoMap;
  backend: KernelBackend;
  attrs: unknown;
}): TensorInfo {
  const { inputs, backend } = args;
  const attrs = args.attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const dilations = typeof attrs.dilations === 'number' ? [attrs.dilations, attrs.dilations] : attrs.dilations;
  if (dilations.some((d) => d !== 1))
    throw new Error('DepthwiseConv2dNativeBackpropInput on wasm supports dilation 1 only');
  const [kh, kw, c, m] = filter.shape;
  const info = backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
  const [n, h, w] = attrs.inputShape;
  const spread = spreadGradient(backend, dy, info, attrs.inputShape);
  const flipped = callKernel('Reverse', backend, { x: filter }, { dims: [0, 1] });
  const perOutput = callKernel('Reshape', backend, { x: flipped }, { shape: [kh, kw, c * m, 1] });
  const dxm = callKernel('DepthwiseConv2dNative', backend, { x: spread.x, filter: perOutput }, {
    strides: [1, 1],
    pad: spread.pad,
    dilations: [1, 1],
  } as never);
  let dx = dxm;
  if (m > 1) {
    const split = callKernel('Reshape', backend, { x: dxm }, { shape: [n, h, w, c, m] });
    dx = callKernel('Sum', backend, { x: split }, { axis: [4], keepDims: false });
    release(backend, split, dxm);
  }
  release(backend, flipped, perOutput, ...spread.temporaries);
  return dx;
}

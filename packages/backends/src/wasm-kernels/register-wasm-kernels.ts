import {
  AvgPoolGrad,
  BatchMatMul,
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  DepthwiseConv2dNativeBackpropInput,
  getKernel,
  KernelFunc,
  Mean,
  registerKernel,
  Sign,
  Sum,
  unregisterKernel,
} from '@tensorflow/tfjs-core';
import { makeAvgPoolGrad } from './avg-pool-grad';
import { stockKernel } from './stock-kernel';
import { makeBatchMatMul } from '../kernels/batch-mat-mul';
import { conv2dBackpropFilter } from './conv2d-backprop-filter';
import { conv2dBackpropInput } from './conv2d-backprop-input';
import { depthwiseConv2dBackpropInput } from './depthwise-conv2d-backprop-input';
import { exactSign } from './sign';
import { makeAccurateReduction } from './accurate-sum';

let registered = false;

/**
 * rtlab's wasm kernels, joined to their implementations by kernel name: the missing filter gradient
 * and depthwise input gradient,
 * faster formulations (on XNNPACK's forward conv, or broadcasting) of the input and pooling gradients,
 * a Sign without the stock kernel's dead zone, and Sum and Mean that stay accurate over long reductions.
 */
export function registerWasmKernels(): void {
  if (registered) return;
  registered = true;
  const kernels: { kernelName: string; kernelFunc: KernelFunc }[] = [
    { kernelName: Conv2DBackpropFilter, kernelFunc: conv2dBackpropFilter as unknown as KernelFunc },
    { kernelName: Conv2DBackpropInput, kernelFunc: conv2dBackpropInput as unknown as KernelFunc },
    {
      kernelName: DepthwiseConv2dNativeBackpropInput,
      kernelFunc: depthwiseConv2dBackpropInput as unknown as KernelFunc,
    },
    { kernelName: AvgPoolGrad, kernelFunc: makeAvgPoolGrad(stockKernel(AvgPoolGrad)) as unknown as KernelFunc },
    { kernelName: BatchMatMul, kernelFunc: makeBatchMatMul(stockKernel(BatchMatMul)!) as unknown as KernelFunc },
    { kernelName: Sign, kernelFunc: exactSign as unknown as KernelFunc },
    {
      kernelName: Sum,
      kernelFunc: makeAccurateReduction(stockKernel(Sum)!, stockKernel(Sum)!, false) as unknown as KernelFunc,
    },
    {
      kernelName: Mean,
      kernelFunc: makeAccurateReduction(stockKernel(Sum)!, stockKernel(Mean)!, true) as unknown as KernelFunc,
    },
  ];
  for (const k of kernels) {
    const stock = getKernel(k.kernelName, 'wasm');
    if (stock) unregisterKernel(k.kernelName, 'wasm');
    // The stock setupFunc binds the wasm functions our wrappers still call.
    registerKernel({ ...k, backendName: 'wasm', setupFunc: stock?.setupFunc, disposeFunc: stock?.disposeFunc });
  }
}

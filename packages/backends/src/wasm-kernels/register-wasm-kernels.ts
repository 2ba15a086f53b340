import { AvgPoolGrad, BatchMatMul, Conv2DBackpropFilter, Conv2DBackpropInput, getKernel, KernelFunc, registerKernel, Sign, unregisterKernel } from '@tensorflow/tfjs-core';
import { makeAvgPoolGrad, stockKernel } from './avg-pool-grad';
import { makeBatchMatMul } from './batch-mat-mul';
import { conv2dBackpropFilter } from './conv2d-backprop-filter';
import { conv2dBackpropInput } from './conv2d-backprop-input';
import { exactSign } from './sign';

let registered = false;

/**
 * rtlab's wasm kernels, joined to their implementations by kernel name: the missing filter gradient,
 * faster formulations (on XNNPACK's forward conv, or broadcasting) of the input and pooling gradients,
 * and a Sign without the stock kernel's dead zone.
 */
export function registerWasmKernels(): void {
  if (registered) return;
  registered = true;
  const kernels: { kernelName: string; kernelFunc: KernelFunc }[] = [
    { kernelName: Conv2DBackpropFilter, kernelFunc: conv2dBackpropFilter as unknown as KernelFunc },
    { kernelName: Conv2DBackpropInput, kernelFunc: conv2dBackpropInput as unknown as KernelFunc },
    { kernelName: AvgPoolGrad, kernelFunc: makeAvgPoolGrad(stockKernel(AvgPoolGrad)) as unknown as KernelFunc },
    { kernelName: BatchMatMul, kernelFunc: makeBatchMatMul(stockKernel(BatchMatMul)!) as unknown as KernelFunc },
    { kernelName: Sign, kernelFunc: exactSign as unknown as KernelFunc },
  ];
  for (const k of kernels) {
    const stock = getKernel(k.kernelName, 'wasm');
    if (stock) unregisterKernel(k.kernelName, 'wasm');
    // The stock setupFunc binds the wasm functions our wrappers still call.
    registerKernel({ ...k, backendName: 'wasm', setupFunc: stock?.setupFunc, disposeFunc: stock?.disposeFunc });
  }
}

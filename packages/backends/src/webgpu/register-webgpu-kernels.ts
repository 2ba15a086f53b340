import { BatchMatMul, getKernel, KernelFunc, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { makeBatchMatMul } from '../kernels/batch-mat-mul';

let registered = false;

/** rtlab's webgpu kernels: BatchMatMul on explicitly transposed operands (the stock one errs with transposeB and a large shared dimension). */
export function registerWebgpuKernels(): void {
  if (registered) return;
  const stock = getKernel(BatchMatMul, 'webgpu');
  if (!stock) throw new Error('the webgpu backend has no BatchMatMul kernel');
  registered = true;
  unregisterKernel(BatchMatMul, 'webgpu');
  registerKernel({
    ...stock,
    kernelFunc: makeBatchMatMul(stock.kernelFunc as never, 'webgpu') as unknown as KernelFunc,
  });
}

import { Conv2DBackpropFilter, getKernel, KernelFunc, registerKernel } from '@tensorflow/tfjs-core';
import { conv2dBackpropFilter } from './conv2d-backprop-filter';

/** Kernels the stock wasm backend lacks, joined to their implementations by kernel name. */
const WASM_KERNELS: { kernelName: string; kernelFunc: KernelFunc }[] = [
  { kernelName: Conv2DBackpropFilter, kernelFunc: conv2dBackpropFilter as unknown as KernelFunc },
];

/** Registers rtlab's wasm kernels once; a kernel the installed backend already has is left alone. */
export function registerWasmKernels(): void {
  for (const k of WASM_KERNELS) {
    if (!getKernel(k.kernelName, 'wasm')) registerKernel({ ...k, backendName: 'wasm' });
  }
}

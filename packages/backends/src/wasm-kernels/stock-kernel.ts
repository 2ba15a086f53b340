import { getKernel, KernelBackend, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

type KernelArgs = { inputs: NamedTensorInfoMap; backend: KernelBackend; attrs: unknown };

/** tfjs-backend-wasm's own kernel for an op, before rtlab registers its replacement (which may call it). */
export function stockKernel(name: string): ((args: KernelArgs) => TensorInfo) | undefined {
  return getKernel(name, 'wasm')?.kernelFunc as ((args: KernelArgs) => TensorInfo) | undefined;
}

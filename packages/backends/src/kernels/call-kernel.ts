import { getKernel, KernelBackend, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * Calls another kernel of the same backend directly (no tape, no engine bookkeeping), the way tfjs
 * backends compose kernels. The caller owns the result and disposes it with `release`.
 */
export function callKernel(
  name: string,
  backend: KernelBackend,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap = {},
  backendName = 'wasm',
): TensorInfo {
  const kernel = getKernel(name, backendName);
  if (!kernel) throw new Error(`kernel ${name} is not registered for the ${backendName} backend`);
  return kernel.kernelFunc({ inputs, attrs, backend }) as TensorInfo;
}

export function release(backend: KernelBackend, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

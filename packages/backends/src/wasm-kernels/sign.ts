import { KernelBackend, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { callKernel, release } from '../kernels/call-kernel';

/**
 * sign(x) = (x > 0) - (x < 0), exactly. tfjs-backend-wasm 4.22's Sign returns 0 whenever
 * |x| < FLT_EPSILON (an absolute threshold), so Linf-PGD would leave every coordinate with a gradient
 * below 1.2e-7 where it is; the comparisons have no threshold and agree with the cpu backend.
 */
export function exactSign({ inputs, backend }: { inputs: NamedTensorInfoMap; backend: KernelBackend }): TensorInfo {
  const { x } = inputs as { x: TensorInfo };
  const zero: TensorInfo = {
    dataId: backend.write(x.dtype === 'int32' ? new Int32Array(1) : new Float32Array(1), [], x.dtype),
    shape: [],
    dtype: x.dtype,
  };
  const positive = callKernel('Greater', backend, { a: x, b: zero });
  const negative = callKernel('Less', backend, { a: x, b: zero });
  const [up, down] = [positive, negative].map((t) => callKernel('Cast', backend, { x: t }, { dtype: x.dtype }));
  const sign = callKernel('Sub', backend, { a: up, b: down });
  release(backend, zero, positive, negative, up, down);
  return sign;
}

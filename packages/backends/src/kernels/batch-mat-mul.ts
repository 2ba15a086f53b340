import { BatchMatMulAttrs, KernelBackend, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { callKernel, release } from './call-kernel';

type KernelArgs = { inputs: NamedTensorInfoMap; backend: KernelBackend; attrs: unknown };

/**
 * BatchMatMul on explicitly transposed operands. The stock wasm kernel is about 7x slower with
 * transposeA/transposeB (the products every matmul gradient takes) than on plain operands, and tfjs
 * 4.22's webgpu kernel is wrong with transposeB once the shared dimension reaches about 2048 (relative
 * error ~1 on lavapipe); transposing the operand first is cheap and exact.
 */
export function makeBatchMatMul(stock: (args: KernelArgs) => TensorInfo, backendName = 'wasm') {
  return (args: KernelArgs): TensorInfo => {
    const { inputs, backend } = args;
    const attrs = args.attrs as unknown as BatchMatMulAttrs;
    if (!attrs.transposeA && !attrs.transposeB) return stock(args);
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const swapLast = (t: TensorInfo) =>
      callKernel(
        'Transpose',
        backend,
        { x: t },
        { perm: [...t.shape.keys()].map((i, _, all) => (i < all.length - 2 ? i : 2 * all.length - 3 - i)) },
        backendName,
      );
    const a2 = attrs.transposeA ? swapLast(a) : a;
    const b2 = attrs.transposeB ? swapLast(b) : b;
    const out = stock({ inputs: { a: a2, b: b2 }, backend, attrs: { transposeA: false, transposeB: false } });
    release(backend, ...[a2, b2].filter((t, i) => t !== [a, b][i]));
    return out;
  };
}

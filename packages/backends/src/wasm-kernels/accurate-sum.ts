import { KernelBackend, NamedTensorInfoMap, SumAttrs, TensorInfo, util } from '@tensorflow/tfjs-core';
import { callKernel, release } from '../kernels/call-kernel';

type KernelArgs = { inputs: NamedTensorInfoMap; backend: KernelBackend; attrs: unknown };
type Stock = (args: KernelArgs) => TensorInfo;

/** Values summed in one float32 run; longer reductions become a tree of such runs. */
const CHUNK = 64;

/**
 * Sum and Mean of float32 tensors that stay accurate over long reductions. The stock wasm kernels add
 * every element into one float32 accumulator, so the mean of the 57 600 activations batch norm averages
 * per channel in the dSprites CNN was off by 5e-4 relative (the cpu backend sums in float64). Here the
 * reduced axis is summed in runs of CHUNK and the partial sums likewise, as pairwise summation does:
 * the error grows with CHUNK times the tree's depth, not with the length.
 */
export function makeAccurateReduction(stockSum: Stock, stockSelf: Stock, mean: boolean) {
  return (args: KernelArgs): TensorInfo => {
    const { inputs, backend } = args;
    const { axis, keepDims } = args.attrs as unknown as SumAttrs;
    const { x } = inputs as { x: TensorInfo };
    const axes = util.parseAxisParam(axis, x.shape);
    const length = axes.reduce((n, a) => n * x.shape[a], 1);
    if (x.dtype !== 'float32' || length <= CHUNK) return stockSelf(args);
    const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
    const outer = kept.reduce((n, a) => n * x.shape[a], 1);
    const moved = axes.every((a, i) => a === x.shape.length - axes.length + i)
      ? x
      : callKernel('Transpose', backend, { x }, { perm: [...kept, ...axes] });
    const flat = callKernel('Reshape', backend, { x: moved }, { shape: [outer, length] });
    const sum = sumRows(flat, backend, stockSum);
    const scaled = mean ? divide(sum, length, backend) : sum;
    const shape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : kept.map((a) => x.shape[a]);
    const out = callKernel('Reshape', backend, { x: scaled }, { shape });
    release(backend, ...new Set([moved, flat, sum, scaled].filter((t) => t !== x)));
    return out;
  };
}

/** Row sums of [outer, n] as [outer], by runs of CHUNK (recursively on the partial sums). */
function sumRows(t: TensorInfo, backend: KernelBackend, stock: Stock): TensorInfo {
  const [outer, n] = t.shape;
  const sumLast = (u: TensorInfo) =>
    stock({ inputs: { x: u }, backend, attrs: { axis: [u.shape.length - 1], keepDims: false } });
  if (n <= CHUNK) return sumLast(t);
  const runs = Math.floor(n / CHUNK);
  const head = callKernel('Slice', backend, { x: t }, { begin: [0, 0], size: [outer, runs * CHUNK] });
  const grouped = callKernel('Reshape', backend, { x: head }, { shape: [outer, runs, CHUNK] });
  const partial = sumLast(grouped);
  const total = sumRows(partial, backend, stock);
  release(backend, head, grouped, partial);
  if (runs * CHUNK === n) return total;
  const tail = callKernel('Slice', backend, { x: t }, { begin: [0, runs * CHUNK], size: [outer, n - runs * CHUNK] });
  const rest = sumLast(tail);
  const out = callKernel('Add', backend, { a: total, b: rest });
  release(backend, tail, rest, total);
  return out;
}

function divide(t: TensorInfo, by: number, backend: KernelBackend): TensorInfo {
  const divisor: TensorInfo = {
    dataId: backend.write(Float32Array.of(by), [], 'float32'),
    shape: [],
    dtype: 'float32',
  };
  const out = callKernel('RealDiv', backend, { a: t, b: divisor });
  release(backend, divisor);
  return out;
}

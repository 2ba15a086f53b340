import { AvgPoolGradAttrs, backend_util, KernelBackend, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { callKernel, release } from '../kernels/call-kernel';

type KernelArgs = { inputs: NamedTensorInfoMap; backend: KernelBackend; attrs: unknown };

/**
 * For non-overlapping windows (filter = stride, no padding) every input cell gets dy / (fh * fw) of its
 * window: a reshape and one broadcast multiply. Other pooling shapes use the stock kernel.
 */
export function makeAvgPoolGrad(stock: ((args: KernelArgs) => TensorInfo) | undefined) {
  return (args: KernelArgs): TensorInfo => {
    const { inputs, backend } = args;
    const attrs = args.attrs as unknown as AvgPoolGradAttrs;
    const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
    const info = backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      attrs.filterSize,
      attrs.strides,
      1,
      attrs.pad,
    );
    const { filterHeight: fh, filterWidth: fw, strideHeight, strideWidth } = info;
    const tiles =
      fh === strideHeight &&
      fw === strideWidth &&
      info.padInfo.top + info.padInfo.left + info.padInfo.bottom + info.padInfo.right === 0 &&
      info.outHeight * fh === input.shape[1] &&
      info.outWidth * fw === input.shape[2];
    if (!tiles) {
      if (!stock) throw new Error('AvgPoolGrad: overlapping or padded windows need the stock kernel, which is missing');
      return stock(args);
    }
    const [n, oh, ow, c] = dy.shape;
    const expanded = callKernel('Reshape', backend, { x: dy }, { shape: [n, oh, 1, ow, 1, c] });
    const weightShape = [1, 1, fh, 1, fw, 1];
    const weights: TensorInfo = {
      dataId: backend.write(new Float32Array(fh * fw).fill(1 / (fh * fw)), weightShape, 'float32'),
      shape: weightShape,
      dtype: 'float32',
    };
    const spread = callKernel('Multiply', backend, { a: expanded, b: weights });
    const dx = callKernel('Reshape', backend, { x: spread }, { shape: input.shape });
    release(backend, expanded, weights, spread);
    return dx;
  };
}

import { selectBackend } from '@rtlab/backends';
import * as tf from '@tensorflow/tfjs-core';
import { EVAL } from '../../network/batch-norm-mode';
import { AttrValue, HostConstant } from '../onnx-program';
import { hostValue, logical, tensorValue, Value } from '../onnx-value';
import { runNode } from '../run-program';

// Operators the exported fixtures do not reach, each against values written out by hand from ONNX's
// operator specification.
const ints = (data: number[], shape = [data.length]): Value => hostValue({ dtype: 'int', shape, data });
const floats = (data: number[], shape: number[]) => tensorValue(tf.tensor(data, shape));
const nchwHeldNhwc = (data: number[], shape: [number, number, number, number]) =>
  tensorValue(tf.transpose(tf.tensor4d(data, shape), [0, 2, 3, 1]), true);

function run(
  op: string,
  inputs: (Value | undefined)[],
  attrs: Record<string, AttrValue> = {},
  outputs = 1,
): number[][] {
  return tf.tidy(() => {
    const values = new Map<string, Value>();
    const names = inputs.map((v, i) => (v ? (values.set(`in${i}`, v), `in${i}`) : ''));
    const node = { op, name: op, inputs: names, outputs: Array.from({ length: outputs }, (_, i) => `out${i}`), attrs };
    const outs = runNode(node, values, { opset: 17, param: () => tf.scalar(0), bn: EVAL });
    return outs.map((o) => (o.kind === 'host' ? o.c.data : Array.from(logical(o).dataSync())));
  });
}

const close = (a: number[], b: number[]) => {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 5));
};

describe.each(['cpu', 'wasm'] as const)('ONNX operators on %s', (backend) => {
  beforeAll(() => selectBackend(backend));
  const x = [1, 2, 3, 4, 5, 6, 7, 8, 9];

  it('Pad: constant with a value, and reflect, on an NCHW value held NHWC', () => {
    const img = () => nchwHeldNhwc(x, [1, 1, 3, 3]);
    close(
      run('Pad', [img(), ints([0, 0, 1, 0, 0, 0, 0, 1]), hostValue({ dtype: 'float32', shape: [], data: [-1] })])[0],
      [-1, -1, -1, -1, 1, 2, 3, -1, 4, 5, 6, -1, 7, 8, 9, -1],
    );
    close(
      run('Pad', [img(), ints([0, 0, 1, 1, 0, 0, 0, 0])], { mode: 'reflect' })[0],
      [5, 4, 5, 6, 2, 1, 2, 3, 5, 4, 5, 6, 8, 7, 8, 9],
    );
  });

  it('Slice with negative steps and out-of-range ends; Split by sizes; Gather with a negative index', () => {
    const m = () => floats(x, [3, 3]);
    close(run('Slice', [m(), ints([-1]), ints([-1000]), ints([1]), ints([-2])])[0], [3, 1, 6, 4, 9, 7]);
    const [a, b] = run('Split', [m(), ints([1, 2])], { axis: 1 }, 2);
    close(a, [1, 4, 7]);
    close(b, [2, 3, 5, 6, 8, 9]);
    close(run('Gather', [m(), ints([-1], [])], { axis: 0 })[0], [7, 8, 9]);
  });

  it('Squeeze, Unsqueeze and Expand keep the data; Expand broadcasts both ways', () => {
    close(run('Expand', [floats([1, 2, 3], [3, 1]), ints([2, 1, 2])])[0], [1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3]);
    close(run('Unsqueeze', [floats([1, 2], [2]), ints([0, -1])])[0], [1, 2]);
    close(run('Squeeze', [ints([4, 5], [1, 2, 1])])[0], [4, 5]);
  });

  it('ReduceMean over H and W of an NHWC-held value; Softmax along a middle axis', () => {
    close(
      run('ReduceMean', [nchwHeldNhwc([...x, ...x.map((v) => -v)], [1, 2, 3, 3])], { axes: [2, 3], keepdims: 1 })[0],
      [5, -5],
    );
    const logits = [0, 1, 2, 3, 4, 5];
    const e = logits.map(Math.exp);
    close(
      run('Softmax', [floats(logits, [1, 2, 3])], { axis: 1 })[0],
      [0, 1, 2, 3, 4, 5].map((i) => e[i] / (e[i % 3] + e[(i % 3) + 3])),
    );
  });

  it('AveragePool counting padding or not; MaxPool with ceil_mode', () => {
    const img = () => nchwHeldNhwc(x, [1, 1, 3, 3]);
    close(
      run('AveragePool', [img()], { kernel_shape: [2, 2], pads: [1, 1, 0, 0], strides: [2, 2] })[0],
      [1, 2.5, 5.5, 7],
    );
    close(
      run('AveragePool', [img()], {
        kernel_shape: [2, 2],
        pads: [1, 1, 0, 0],
        strides: [2, 2],
        count_include_pad: 1,
      })[0],
      [0.25, 1.25, 2.75, 7],
    );
    close(run('MaxPool', [img()], { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 })[0], [5, 6, 8, 9]);
  });

  it('Gemm with alpha, beta and transposed A; MatMul of a vector', () => {
    const a = floats([1, 2, 3, 4], [2, 2]); // A^T = [[1, 3], [2, 4]]
    close(
      run('Gemm', [a, floats([1, 0, 0, 1], [2, 2]), floats([10, 20], [2])], { transA: 1, alpha: 2, beta: 0.5 })[0],
      [7, 16, 9, 18],
    );
    close(run('MatMul', [floats([1, 2], [2]), floats([1, 2, 3, 4], [2, 2])])[0], [7, 10]);
  });

  it('Where, Equal and Cast on host numbers (shape arithmetic never reaches the device)', () => {
    const cond = run('Equal', [ints([1, -1, 3]), ints([-1], [])])[0];
    expect(cond).toEqual([0, 1, 0]);
    const c: HostConstant = { dtype: 'bool', shape: [3], data: cond };
    expect(run('Where', [hostValue(c), ints([7]), ints([1, 2, 3])])[0]).toEqual([1, 7, 3]);
    expect(run('Cast', [hostValue({ dtype: 'float32', shape: [2], data: [2.7, -2.7] })], { to: 7 })[0]).toEqual([
      2, -2,
    ]);
  });
});

import { selectBackend } from '@rtlab/backends';
import * as tf from '@tensorflow/tfjs-core';
import { EVAL } from '../../network/batch-norm-mode';
import { AttrValue, HostConstant } from '../onnx-program';
import { hostValue, logical, shapeOf, tensorValue, Value } from '../onnx-value';
import { runNode } from '../run-program';

// Operators the exported fixtures do not reach, each against values written out by hand from ONNX's
// operator specification.
const ints = (data: number[], shape = [data.length]): Value => hostValue({ dtype: 'int', shape, data });
const floats = (data: number[], shape: number[]) => tensorValue(tf.tensor(data, shape));
const nchwHeldNhwc = (data: number[], shape: [number, number, number, number]) =>
  tensorValue(tf.transpose(tf.tensor4d(data, shape), [0, 2, 3, 1]), true);

/** Runs one op; each output as [ONNX shape, data in ONNX order, whether it is held NHWC]. */
function outputsOf(op: string, inputs: (Value | undefined)[], attrs: Record<string, AttrValue> = {}, outputs = 1) {
  return tf.tidy(() => {
    const values = new Map<string, Value>();
    const names = inputs.map((v, i) => (v ? (values.set(`in${i}`, v), `in${i}`) : ''));
    const node = { op, name: op, inputs: names, outputs: Array.from({ length: outputs }, (_, i) => `out${i}`), attrs };
    const outs = runNode(node, values, { bn: EVAL });
    return outs.map((o) => ({
      shape: shapeOf(o),
      data: o.kind === 'host' ? o.c.data : Array.from(logical(o).dataSync()),
      nhwc: o.kind === 'tensor' && o.nhwc,
    }));
  });
}

const run = (...args: Parameters<typeof outputsOf>) => outputsOf(...args).map((o) => o.data);

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

  it('Squeeze, Unsqueeze and Expand: the shapes ONNX defines; Expand broadcasts both ways', () => {
    const [expanded] = outputsOf('Expand', [floats([1, 2, 3], [3, 1]), ints([2, 1, 2])]);
    expect(expanded.shape).toEqual([2, 3, 2]);
    close(expanded.data, [1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3]);
    expect(outputsOf('Unsqueeze', [floats([1, 2], [2]), ints([0, -1])])[0].shape).toEqual([1, 2, 1]);
    expect(outputsOf('Squeeze', [ints([4, 5], [1, 2, 1])])[0].shape).toEqual([2]);
    expect(outputsOf('Squeeze', [floats([4, 5], [1, 2, 1]), ints([2])])[0].shape).toEqual([1, 2]);
  });

  it('NCHW values held NHWC: Concat and Split on channels, Expand, Transpose, broadcasting against [C, 1, 1]', () => {
    const a = () => nchwHeldNhwc([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2]);
    const b = () => nchwHeldNhwc([9, 10, 11, 12], [1, 1, 2, 2]);
    const [joined] = outputsOf('Concat', [a(), b()], { axis: 1 });
    expect(joined).toEqual({ shape: [1, 3, 2, 2], data: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], nhwc: true });
    const parts = outputsOf('Split', [a(), ints([1, 1])], { axis: 1 }, 2);
    expect(parts.map((p) => [p.shape, p.data])).toEqual([
      [
        [1, 1, 2, 2],
        [1, 2, 3, 4],
      ],
      [
        [1, 1, 2, 2],
        [5, 6, 7, 8],
      ],
    ]);
    const [wide] = outputsOf('Expand', [b(), ints([2, 3, 1, 1])]);
    expect(wide.shape).toEqual([2, 3, 2, 2]);
    expect(wide.data).toEqual(Array(6).fill([9, 10, 11, 12]).flat());
    const [tokens] = outputsOf('Transpose', [a()], { perm: [0, 2, 3, 1] });
    expect(tokens).toEqual({ shape: [1, 2, 2, 2], data: [1, 5, 2, 6, 3, 7, 4, 8], nhwc: false });
    const [back] = outputsOf('Transpose', [tensorValue(tf.tensor4d([1, 5, 2, 6, 3, 7, 4, 8], [1, 2, 2, 2]))], {
      perm: [0, 3, 1, 2],
    });
    expect(back).toEqual({ shape: [1, 2, 2, 2], data: [1, 2, 3, 4, 5, 6, 7, 8], nhwc: true });
    const [shifted] = outputsOf('Add', [a(), floats([100, 200], [2, 1, 1])]);
    expect(shifted).toEqual({ shape: [1, 2, 2, 2], data: [101, 102, 103, 104, 205, 206, 207, 208], nhwc: true });
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
    // PyTorch drops a last window that would start past the input: 6 wide, kernel 2, stride 3 gives 2, not 3.
    const row = () => nchwHeldNhwc([1, 7, 3, 4, 9, 2], [1, 1, 1, 6]);
    expect(outputsOf('MaxPool', [row()], { kernel_shape: [1, 2], strides: [1, 3], ceil_mode: 1 })[0]).toMatchObject({
      shape: [1, 1, 1, 2],
      data: [7, 9],
    });
    // ceil_mode that changes nothing is accepted by AveragePool.
    close(
      run('AveragePool', [nchwHeldNhwc(x.slice(0, 4), [1, 1, 2, 2])], {
        kernel_shape: [2, 2],
        strides: [2, 2],
        ceil_mode: 1,
      })[0],
      [2.5],
    );
  });

  it('Gemm with alpha, beta and transposed A; MatMul of a vector', () => {
    const a = floats([1, 2, 3, 4], [2, 2]); // A^T = [[1, 3], [2, 4]]
    close(
      run('Gemm', [a, floats([1, 0, 0, 1], [2, 2]), floats([10, 20], [2])], { transA: 1, alpha: 2, beta: 0.5 })[0],
      [7, 16, 9, 18],
    );
    close(run('MatMul', [floats([1, 2], [2]), floats([1, 2, 3, 4], [2, 2])])[0], [7, 10]);
  });

  it('MatMul broadcasts a middle batch axis (shared keys in attention) as NumPy does', () => {
    const a = Array.from({ length: 24 }, (_, i) => i);
    const b = Array.from({ length: 8 }, (_, i) => i - 3);
    const [y] = outputsOf('MatMul', [floats(a, [2, 3, 2, 2]), floats(b, [2, 1, 2, 2])]);
    expect(y.shape).toEqual([2, 3, 2, 2]);
    const expected: number[] = [];
    for (let n = 0; n < 2; n++)
      for (let h = 0; h < 3; h++)
        for (let i = 0; i < 2; i++)
          for (let j = 0; j < 2; j++)
            expected.push([0, 1].reduce((s, k) => s + a[((n * 3 + h) * 2 + i) * 2 + k] * b[(n * 2 + k) * 2 + j], 0));
    close(y.data, expected);
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

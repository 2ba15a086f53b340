import { RtlabError } from '@rtlab/sdk';
import { HostConstant } from '../onnx-program';

/** Host arithmetic is shape arithmetic: small. A hostile file must not make it fill memory. */
const HOST_ELEMENTS = 1 << 20;

/** Strides of a row-major shape. */
export function stridesOf(shape: number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

export const sizeOfShape = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** NumPy broadcasting of shapes; undefined where they do not broadcast. */
export function broadcastShapes(shapes: number[][]): number[] | undefined {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const dims = shapes.map((s) => s[s.length - rank + i] ?? 1);
    const big = Math.max(...dims);
    if (dims.some((d) => d !== 1 && d !== big)) return undefined;
    out.push(dims.includes(0) ? 0 : big);
  }
  return out;
}

/** An element-wise function of host constants with broadcasting. */
export function hostMap(
  cs: HostConstant[],
  dtype: HostConstant['dtype'],
  f: (...xs: number[]) => number,
): HostConstant | undefined {
  const shape = broadcastShapes(cs.map((c) => c.shape));
  if (!shape) return undefined;
  const size = sizeOfShape(shape);
  if (size > HOST_ELEMENTS)
    throw new RtlabError('input', `host arithmetic on [${shape}]: above ${HOST_ELEMENTS} elements`);
  const outStrides = stridesOf(shape);
  const views = cs.map((c) => {
    const s = stridesOf(c.shape);
    const off = shape.length - c.shape.length;
    return shape.map((_, i) => (i < off || c.shape[i - off] === 1 ? 0 : s[i - off]));
  });
  const data = new Array<number>(size);
  for (let k = 0; k < size; k++) {
    const args = cs.map((c, j) => {
      let idx = 0;
      let rest = k;
      for (let i = 0; i < shape.length; i++) {
        const q = Math.floor(rest / outStrides[i]);
        rest -= q * outStrides[i];
        idx += q * views[j][i];
      }
      return c.data[idx];
    });
    data[k] = f(...args);
  }
  return { dtype, shape, data };
}

/** The entries at `indices` along `axis` (Gather, and Slice one axis at a time). */
export function hostTake(c: HostConstant, axis: number, indices: number[]): HostConstant {
  const outer = sizeOfShape(c.shape.slice(0, axis));
  const inner = sizeOfShape(c.shape.slice(axis + 1));
  const n = c.shape[axis];
  const data: number[] = [];
  for (let o = 0; o < outer; o++)
    for (const i of indices) for (let k = 0; k < inner; k++) data.push(c.data[(o * n + i) * inner + k]);
  const shape = [...c.shape];
  shape[axis] = indices.length;
  return { dtype: c.dtype, shape, data };
}

/** Host constants joined along an axis. */
export function hostConcat(cs: HostConstant[], axis: number): HostConstant {
  const outer = sizeOfShape(cs[0].shape.slice(0, axis));
  const data: number[] = [];
  for (let o = 0; o < outer; o++)
    for (const c of cs) {
      const chunk = sizeOfShape(c.shape.slice(axis));
      for (let k = 0; k < chunk; k++) data.push(c.data[o * chunk + k]);
    }
  const shape = [...cs[0].shape];
  shape[axis] = cs.reduce((a, c) => a + c.shape[axis], 0);
  return { dtype: cs[0].dtype, shape, data };
}

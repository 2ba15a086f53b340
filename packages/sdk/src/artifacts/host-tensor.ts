import { RtlabError } from '../errors/rtlab-error';
import { DType, HostTensor, TypedArray } from './artifact';

/** The number of elements of a shape (1 for a scalar). */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The DType of a typed array; throws for an array type the cache does not store. */
export function dtypeOf(data: TypedArray): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Int32Array) return 'int32';
  return 'uint8';
}

/**
 * Wraps a typed array as a HostTensor, checking that the shape matches its length.
 * @example hostTensor([2, 3], new Float32Array(6))
 */
export function hostTensor(shape: number[], data: TypedArray): HostTensor {
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new RtlabError('input', `tensor shape must be non-negative integers, got [${shape}]`);
  }
  if (sizeOf(shape) !== data.length) {
    throw new RtlabError('input', `tensor shape [${shape}] needs ${sizeOf(shape)} elements, got ${data.length}`);
  }
  return { dtype: dtypeOf(data), shape: [...shape], data };
}

/** A zero-filled typed array of a DType and length. */
export function allocate(dtype: DType, length: number): TypedArray {
  if (dtype === 'float32') return new Float32Array(length);
  if (dtype === 'int32') return new Int32Array(length);
  return new Uint8Array(length);
}

/** Tensors stacked along their first axis, one after another (shards of per-sample tensors). */
export function concatRows(parts: HostTensor[]): HostTensor {
  const data = allocate(
    parts[0].dtype,
    parts.reduce((n, p) => n + p.data.length, 0),
  );
  let at = 0;
  for (const p of parts) {
    data.set(p.data, at);
    at += p.data.length;
  }
  return {
    dtype: parts[0].dtype,
    shape: [parts.reduce((n, p) => n + p.shape[0], 0), ...parts[0].shape.slice(1)],
    data,
  };
}

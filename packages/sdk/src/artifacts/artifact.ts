/** Tensor element types the cache stores. */
export type DType = 'float32' | 'int32' | 'uint8';
/** The typed arrays a HostTensor holds, one per DType. */
export type TypedArray = Float32Array | Int32Array | Uint8Array;

/** A tensor held in host memory: what the cache reads and writes, independent of any tfjs backend. */
export interface HostTensor {
  dtype: DType;
  shape: number[];
  data: TypedArray;
}

/**
 * A tensor too large to hold in memory (a Dataset's images beyond a few GiB): its rows, along the first
 * dimension, stored as raw little-endian bytes in files, read on demand (see `tensorRows`).
 */
export interface FileTensor {
  dtype: DType;
  shape: number[];
  parts: FilePart[];
}

/** `rows` consecutive rows of a FileTensor, starting `offset` bytes into `file` (an absolute path). */
export interface FilePart {
  file: string;
  rows: number;
  offset: number;
}

/** A value metadata may hold: finite JSON (the cache refuses NaN and Infinity). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * The output of a node: named tensors plus JSON metadata.
 * `type` is one of the artifact types ports declare (Dataset, Model, Features, AttackResult, Scores, Table, ...).
 */
export interface Artifact {
  type: string;
  meta: { [key: string]: JsonValue };
  tensors: Record<string, HostTensor>;
  /**
   * Tensors kept in files rather than memory. A plugin writes them with `FileTensorWriter` into
   * `ctx.scratchDir()`; the engine moves the files into the artifact's cache entry.
   */
  files?: Record<string, FileTensor>;
}

/** Tensor element types the cache stores. */
export type DType = 'float32' | 'int32' | 'uint8';
export type TypedArray = Float32Array | Int32Array | Uint8Array;

/** A tensor held in host memory: what the cache reads and writes, independent of any tfjs backend. */
export interface HostTensor {
  dtype: DType;
  shape: number[];
  data: TypedArray;
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * The output of a node: named tensors plus JSON metadata.
 * `type` is one of the artifact types ports declare (Dataset, Model, Features, AttackResult, Scores, Table, ...).
 */
export interface Artifact {
  type: string;
  meta: { [key: string]: JsonValue };
  tensors: Record<string, HostTensor>;
}

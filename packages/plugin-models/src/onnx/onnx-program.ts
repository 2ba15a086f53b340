import { JsonValue } from '@rtlab/sdk';

/** A small tensor known at import (shape arithmetic, scalars, indices): computed on the host, never on the device. */
export interface HostConstant {
  dtype: 'float32' | 'int' | 'bool';
  shape: number[];
  data: number[];
}

/** A node attribute as the program stores it (ONNX tensors become host constants). */
export type AttrValue = number | string | number[] | string[] | HostConstant;

/** One ONNX node, as imported: inputs and outputs by value name ('' = an omitted optional input). */
export interface ProgramNode {
  op: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, AttrValue>;
}

/**
 * An imported ONNX graph, JSON in a Model artifact's metadata (so a worker needs no file): the nodes g
 * needs, in an order where each reads earlier values only. Float initializers are the artifact's
 * tensors (`params`: value name -> tensor name); small integer and scalar constants are `constants`.
 * Conv weights are stored as tfjs filters ([kh, kw, in/groups, out], or [kh, kw, in, multiplier] for
 * depthwise convolutions).
 */
export interface OnnxProgram {
  [key: string]: JsonValue;
  opset: number;
  /** The graph input that takes the images (NCHW in ONNX; rtlab hands NHWC, the program transposes). */
  input: string;
  nodes: ProgramNode[] & JsonValue;
  params: Record<string, string>;
  constants: Record<string, HostConstant> & JsonValue;
  /** The value that is g (flattened to [N, featureDim] in PyTorch's order). */
  features: string;
  /** null: any batch size; n: the graph was exported for batches of exactly n and runs in chunks of n. */
  batch: number | null;
  /** Whether inputs are normalised, (x - mean) / std with the tensors normalize.mean and normalize.std, before the graph. */
  normalize: boolean;
  /** The file's name, for messages. */
  source: string;
}

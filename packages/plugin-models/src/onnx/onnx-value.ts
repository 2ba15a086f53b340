import { RtlabError } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';
import { HostConstant } from './onnx-program';

/**
 * A value while a program runs: host numbers (shape arithmetic, constants) or a tfjs tensor. A rank-4
 * tensor may be held NHWC (`nhwc`) while it stands for ONNX's NCHW value: convolutions, pooling and
 * element-wise ops run on it so, and only ops that depend on the axis order see the NCHW transpose.
 */
export type Value = { kind: 'host'; c: HostConstant } | { kind: 'tensor'; t: tf.Tensor; nhwc: boolean };

export const TO_NHWC = [0, 2, 3, 1];
export const TO_NCHW = [0, 3, 1, 2];

export const hostValue = (c: HostConstant): Value => ({ kind: 'host', c });
export const tensorValue = (t: tf.Tensor, nhwc = false): Value => ({ kind: 'tensor', t, nhwc });

const TF_DTYPE = { float32: 'float32', int: 'int32', bool: 'bool' } as const;

/** The ONNX (NCHW) shape of a value. */
export function shapeOf(v: Value): number[] {
  if (v.kind === 'host') return v.c.shape;
  return v.nhwc ? TO_NCHW.map((a) => v.t.shape[a]) : v.t.shape;
}

/** The value as a tensor in ONNX's axis order. */
export function logical(v: Value): tf.Tensor {
  if (v.kind === 'host') return tf.tensor(v.c.data, v.c.shape, TF_DTYPE[v.c.dtype]);
  return v.nhwc ? tf.transpose(v.t, TO_NCHW) : v.t;
}

/** A value of rank <= 4 as an NHWC tensor, broadcastable against NHWC activations. */
export function asNhwc(v: Value): tf.Tensor {
  if (v.kind === 'tensor' && v.nhwc) return v.t;
  const shape = shapeOf(v);
  if (shape.length === 0) return logical(v);
  if (shape.length > 4) throw new RtlabError('input', `a rank-${shape.length} value cannot meet an image tensor`);
  const padded = [...Array(4 - shape.length).fill(1), ...shape];
  return tf.transpose(tf.reshape(logical(v), padded), TO_NHWC);
}

/** The host numbers of a value that must be known without running the network (shapes, axes, indices). */
export function hostData(v: Value | undefined, what: string): HostConstant {
  if (!v) throw new RtlabError('input', `${what} is missing`);
  if (v.kind !== 'host')
    throw new RtlabError('input', `${what} depends on the input data; rtlab needs it known from the shapes alone`);
  return v.c;
}

/** Integers of a host value (ONNX int64 shapes, axes, pads). */
export const hostInts = (v: Value | undefined, what: string): number[] => hostData(v, what).data;

/** A tensor value's rank. */
export const rankOf = (v: Value) => shapeOf(v).length;

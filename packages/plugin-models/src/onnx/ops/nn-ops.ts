import * as tf from '@tensorflow/tfjs-core';
import { batchNorm } from '../../network/layers';
import { asNhwc, logical, shapeOf, tensorValue, TO_NCHW, Value } from '../onnx-value';
import { axisOf, floatAttr, intAttr, intsAttr, nodeError, Op, stringAttr } from './op';
import { ProgramNode } from '../onnx-program';
import { broadcastShapes } from './host-math';

type Pad4 = [[number, number], [number, number], [number, number], [number, number]];

/** A 2-D window's padding for tfjs: explicit [top, left, bottom, right] pads, or auto_pad. */
function windowPadding(node: ProgramNode): 'valid' | 'same' | Pad4 {
  const auto = stringAttr(node, 'auto_pad', 'NOTSET');
  if (auto === 'VALID') return 'valid';
  if (auto === 'SAME_UPPER') return 'same';
  if (auto !== 'NOTSET') throw nodeError(node, `auto_pad ${auto} is not supported`);
  const [t, l, b, r] = intsAttr(node, 'pads') ?? [0, 0, 0, 0];
  return [
    [0, 0],
    [t, b],
    [l, r],
    [0, 0],
  ];
}

function twoD(node: ProgramNode, name: string, fallback: number): [number, number] {
  const v = intsAttr(node, name) ?? [fallback, fallback];
  if (v.length !== 2) throw nodeError(node, `${name} [${v}]: only 2-D windows are supported`);
  return [v[0], v[1]];
}

const image = (x: Value | undefined, node: ProgramNode): tf.Tensor4D => {
  if (!x || shapeOf(x).length !== 4) throw nodeError(node, 'expects a rank-4 (NCHW) input');
  return asNhwc(x) as tf.Tensor4D;
};

/** Conv with the filter stored as tfjs wants it; groups as depthwise (one input channel each) or as split convolutions. */
const convOp: Op = ([x, w, b], node) => {
  const input = image(x, node);
  const filter = logical(w!) as tf.Tensor4D;
  const group = intAttr(node, 'group', 1);
  const strides = twoD(node, 'strides', 1);
  const dilations = twoD(node, 'dilations', 1);
  const pad = windowPadding(node);
  let y: tf.Tensor4D;
  if (group === 1) y = tf.conv2d(input, filter, strides, pad, 'NHWC', dilations);
  else if (group === input.shape[3] && filter.shape[2] === input.shape[3])
    y = tf.depthwiseConv2d(input, filter, strides, pad, 'NHWC', dilations) as tf.Tensor4D;
  else {
    const xs = tf.split(input, group, 3) as tf.Tensor4D[];
    const fs = tf.split(filter, group, 3) as tf.Tensor4D[];
    y = tf.concat(
      xs.map((xi, i) => tf.conv2d(xi, fs[i], strides, pad, 'NHWC', dilations)),
      3,
    );
  }
  return [tensorValue(b ? tf.add(y, logical(b)) : y, true)];
};

/** BatchNormalization: running statistics (as exported), or batch statistics while a network trains. */
const batchNormOp: Op = ([x, scale, bias, mean, variance], node, ctx) => {
  const rank = shapeOf(x!).length;
  if (rank !== 4 && rank !== 2) throw nodeError(node, `batch norm of a rank-${rank} value is not supported`);
  if (intAttr(node, 'training_mode', 0) === 1)
    throw nodeError(node, 'exported in training mode; export the network after model.eval()');
  const held = rank === 4 ? asNhwc(x!) : logical(x!);
  const eps = floatAttr(node, 'epsilon', 1e-5);
  const params: Record<string, Value | undefined> = { weight: scale, bias, running_mean: mean, running_var: variance };
  const p = (name: string) => logical(params[name.slice(name.lastIndexOf('.') + 1)]!);
  const stats = String(node.attrs.statistics ?? node.name);
  return [tensorValue(batchNorm(p, stats, held, ctx.bn, eps), rank === 4)];
};

/**
 * ceil_mode's output size reached by padding the end further (pooling ignores padding), with PyTorch's
 * rule: a last window that would start inside the end padding is dropped.
 */
function ceilPadding(node: ProgramNode, x: tf.Tensor4D, kernel: number[], strides: number[], pad: Pad4): Pad4 {
  if (intAttr(node, 'ceil_mode', 0) === 0) return pad;
  const extra = [1, 2].map((a, i) => {
    const span = x.shape[a] + pad[a][0] + pad[a][1] - kernel[i];
    let out = Math.ceil(span / strides[i]) + 1;
    if ((out - 1) * strides[i] >= x.shape[a] + pad[a][0]) out--;
    return Math.max((out - 1) * strides[i] - span, 0);
  });
  return [pad[0], [pad[1][0], pad[1][1] + extra[0]], [pad[2][0], pad[2][1] + extra[1]], pad[3]];
}

const maxPoolOp: Op = ([x], node) => {
  if (node.outputs.length > 1 && node.outputs[1]) throw nodeError(node, 'its Indices output is not supported');
  const input = image(x, node);
  const kernel = twoD(node, 'kernel_shape', 1);
  const strides = twoD(node, 'strides', 1);
  if (twoD(node, 'dilations', 1).some((d) => d !== 1)) throw nodeError(node, 'dilated pooling is not supported');
  const padding = windowPadding(node);
  const pad = typeof padding === 'string' ? padding : ceilPadding(node, input, kernel, strides, padding);
  return [tensorValue(tf.maxPool(input, kernel, strides, pad as 'valid'), true)];
};

const averagePoolOp: Op = ([x], node) => {
  let input = image(x, node);
  const kernel = twoD(node, 'kernel_shape', 1);
  const strides = twoD(node, 'strides', 1);
  let pad = windowPadding(node);
  const ceiled = typeof pad === 'string' ? pad : ceilPadding(node, input, kernel, strides, pad);
  if (typeof pad !== 'string' && typeof ceiled !== 'string' && ceiled.some((p, a) => p[1] !== pad[a][1]))
    throw nodeError(node, 'ceil_mode changes the output size here; average pooling with it is not supported');
  if (intAttr(node, 'count_include_pad', 0) === 1 && typeof pad !== 'string') {
    input = tf.pad(input, pad);
    pad = 'valid';
  }
  return [tensorValue(tf.avgPool(input, kernel, strides, pad as 'valid'), true)];
};

/** Gemm: alpha A' B' + beta C, A' and B' transposed as told. */
const gemmOp: Op = ([a, b, c], node) => {
  const alpha = floatAttr(node, 'alpha', 1);
  const beta = floatAttr(node, 'beta', 1);
  let y = tf.matMul(
    logical(a!) as tf.Tensor2D,
    logical(b!) as tf.Tensor2D,
    intAttr(node, 'transA', 0) === 1,
    intAttr(node, 'transB', 0) === 1,
  );
  if (alpha !== 1) y = tf.mul(y, alpha);
  if (c) y = tf.add(y, beta === 1 ? logical(c) : tf.mul(logical(c), beta));
  return [tensorValue(y)];
};

/** MatMul with NumPy's semantics: a matrix right operand multiplies the flattened rows; batches broadcast otherwise. */
const matMulOp: Op = ([a, b], node) => {
  let [ta, tb] = [logical(a!), logical(b!)];
  const [ra, rb] = [ta.rank, tb.rank];
  if (ra === 1) ta = tf.expandDims(ta, 0);
  if (rb === 1) tb = tf.expandDims(tb, 1);
  let y: tf.Tensor;
  if (tb.rank === 2 && ta.rank > 2) {
    const rows = tf.reshape(ta, [-1, ta.shape[ta.rank - 1]]) as tf.Tensor2D;
    y = tf.reshape(tf.matMul(rows, tb as tf.Tensor2D), [...ta.shape.slice(0, -1), tb.shape[1] as number]);
  } else {
    // tfjs broadcasts batch axes by index modulo each size, right only where the broadcast axes lead.
    const batch = broadcastShapes([ta.shape.slice(0, -2), tb.shape.slice(0, -2)]);
    if (!batch) throw nodeError(node, `cannot multiply [${ta.shape}] by [${tb.shape}]`);
    const full = (t: tf.Tensor) =>
      t.rank - 2 === batch.length && t.shape.slice(0, -2).join() === batch.join()
        ? t
        : tf.broadcastTo(t, [...batch, ...t.shape.slice(-2)]);
    y = tf.matMul(full(ta), full(tb));
  }
  if (ra === 1) y = tf.squeeze(y, [y.rank - 2]);
  if (rb === 1) y = tf.squeeze(y, [y.rank - 1]);
  return [tensorValue(y)];
};

/** The same op along the last axis, for ops tfjs only runs there. */
function alongLastAxis(t: tf.Tensor, axis: number, f: (t: tf.Tensor) => tf.Tensor): tf.Tensor {
  const last = t.rank - 1;
  if (axis === last) return f(t);
  const perm = t.shape.map((_, i) => (i === axis ? last : i === last ? axis : i));
  return tf.transpose(f(tf.transpose(t, perm)), perm);
}

const softmaxOp: Op = ([x], node) => {
  const t = logical(x!);
  return [tensorValue(alongLastAxis(t, axisOf(intAttr(node, 'axis', -1), t.rank, node), (u) => tf.softmax(u)))];
};

/** LayerNormalization over the axes from `axis` on; its Mean and InvStdDev outputs are not supported. */
const layerNormOp: Op = ([x, scale, bias], node) => {
  if (node.outputs.slice(1).some((o) => o)) throw nodeError(node, 'its Mean and InvStdDev outputs are not supported');
  const t = logical(x!);
  const from = axisOf(intAttr(node, 'axis', -1), t.rank, node);
  const axes = t.shape.map((_, i) => i).slice(from);
  const { mean, variance } = tf.moments(t, axes, true);
  const normed = tf.mul(tf.sub(t, mean), tf.rsqrt(tf.add(variance, floatAttr(node, 'epsilon', 1e-5))));
  const scaled = tf.mul(normed, logical(scale!));
  return [tensorValue(bias ? tf.add(scaled, logical(bias)) : scaled)];
};

/** ReduceMean over `axes` (an attribute up to opset 17); NHWC-held inputs stay so. */
const reduceMeanOp: Op = ([x], node) => {
  const rank = shapeOf(x!).length;
  const axes = (intsAttr(node, 'axes') ?? shapeOf(x!).map((_, i) => i)).map((a) => axisOf(a, rank, node));
  const keep = intAttr(node, 'keepdims', 1) === 1;
  if (x!.kind === 'tensor' && x!.nhwc && keep)
    return [
      tensorValue(
        tf.mean(
          x!.t,
          axes.map((a) => TO_NCHW[a]),
          true,
        ),
        true,
      ),
    ];
  return [tensorValue(tf.mean(logical(x!), axes, keep))];
};

/** The ONNX ops of convolutional and attention layers. */
export const NN_OPS: Record<string, Op> = {
  Conv: convOp,
  BatchNormalization: batchNormOp,
  MaxPool: maxPoolOp,
  AveragePool: averagePoolOp,
  GlobalAveragePool: ([x], node) => [tensorValue(tf.mean(image(x, node), [1, 2], true), true)],
  Gemm: gemmOp,
  MatMul: matMulOp,
  Softmax: softmaxOp,
  LayerNormalization: layerNormOp,
  ReduceMean: reduceMeanOp,
};

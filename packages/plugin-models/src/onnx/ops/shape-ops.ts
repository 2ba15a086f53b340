import * as tf from '@tensorflow/tfjs-core';
import { HostConstant } from '../onnx-program';
import {
  asNhwc,
  hostData,
  hostInts,
  hostValue,
  logical,
  shapeOf,
  tensorValue,
  TO_NCHW,
  TO_NHWC,
  Value,
} from '../onnx-value';
import { broadcastShapes, hostConcat, hostMap, hostTake, sizeOfShape } from './host-math';
import { axisOf, intAttr, intsAttr, nodeError, Op, stringAttr } from './op';

const ints = (data: number[]): Value => hostValue({ dtype: 'int', shape: [data.length], data });

/** The same data under another shape: host constants keep their numbers, tensors are reshaped in ONNX's order. */
function withShape(x: Value, shape: number[]): Value {
  if (x.kind === 'host') return hostValue({ ...x.c, shape });
  return tensorValue(tf.reshape(logical(x), shape));
}

/** Reshape's target: 0 copies the input's dimension (unless allowzero), -1 takes what is left. */
function reshapeTarget(input: number[], target: number[], allowZero: boolean, node: Parameters<Op>[1]): number[] {
  const out = target.map((d, i) => (d === 0 && !allowZero ? input[i] : d));
  const known = out.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const total = sizeOfShape(input);
  const inferred = out.map((d) => (d === -1 ? total / known : d));
  if (
    out.filter((d) => d === -1).length > 1 ||
    sizeOfShape(inferred) !== total ||
    inferred.some((d) => !Number.isInteger(d))
  )
    throw nodeError(node, `cannot reshape [${input}] to [${target}]`);
  return inferred;
}

/**
 * The entries at `idx` along `axis`, as slices of consecutive runs of a rank-3 view [outer, axis, inner]:
 * tf.gather's gradient needs UnsortedSegmentSum, which the wasm backend lacks, and webgpu's pad (the
 * slice's gradient) fails on rank 5 (attention's [3, N, heads, T, d] qkv); slices of rank 3 work everywhere.
 */
function takeAlong(t: tf.Tensor, axis: number, idx: number[]): tf.Tensor {
  const outer = sizeOfShape(t.shape.slice(0, axis));
  const inner = sizeOfShape(t.shape.slice(axis + 1));
  const view = tf.reshape(t, [outer, t.shape[axis], inner]);
  const runs: [number, number][] = [];
  for (const i of idx) {
    const last = runs[runs.length - 1];
    if (last && i === last[0] + last[1]) last[1]++;
    else runs.push([i, 1]);
  }
  const parts = runs.map(([start, count]) => tf.slice(view, [0, start, 0], [outer, count, inner]));
  const taken = parts.length === 0 ? tf.zeros([outer, 0, inner]) : parts.length === 1 ? parts[0] : tf.concat(parts, 1);
  return tf.reshape(
    taken,
    t.shape.map((d, a) => (a === axis ? idx.length : d)),
  );
}

const equalPerm = (a: number[], b: number[]) => a.every((v, i) => v === b[i]);

/** Transpose, without moving data when it only changes between ONNX's NCHW and the NHWC held. */
const transposeOp: Op = ([x], node) => {
  const rank = shapeOf(x!).length;
  const perm = intsAttr(node, 'perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  if (x!.kind === 'tensor' && rank === 4) {
    // The result's axes as axes of the tensor held (an NHWC-held input keeps ONNX axis a at TO_NCHW[a]).
    const fromHeld = x!.nhwc ? perm.map((a) => TO_NCHW[a]) : perm;
    if (equalPerm(fromHeld, [0, 1, 2, 3])) return [tensorValue(x!.t)];
    const asNhwcResult = TO_NHWC.map((a) => fromHeld[a]);
    if (equalPerm(asNhwcResult, [0, 1, 2, 3])) return [tensorValue(x!.t, true)];
    return [tensorValue(tf.transpose(x!.t, fromHeld))];
  }
  return [tensorValue(tf.transpose(logical(x!), perm))];
};

/** Index lists of an ONNX Slice along each sliced axis (negative and out-of-range bounds clamped as ONNX says). */
function sliceIndices(shape: number[], inputs: (Value | undefined)[], node: Parameters<Op>[1]): Map<number, number[]> {
  const starts = hostInts(inputs[1], 'Slice starts');
  const ends = hostInts(inputs[2], 'Slice ends');
  const axes = inputs[3] ? hostInts(inputs[3], 'Slice axes') : starts.map((_, i) => i);
  const steps = inputs[4] ? hostInts(inputs[4], 'Slice steps') : starts.map(() => 1);
  const out = new Map<number, number[]>();
  axes.forEach((axis, i) => {
    const a = axisOf(axis, shape.length, node);
    const dim = shape[a];
    const step = steps[i];
    if (step === 0) throw nodeError(node, 'a step of 0');
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + dim : v, lo), hi);
    const [start, end] =
      step > 0
        ? [clamp(starts[i], 0, dim), clamp(ends[i], 0, dim)]
        : [clamp(starts[i], 0, dim - 1), clamp(ends[i], -1, dim - 1)];
    const idx: number[] = [];
    for (let k = start; step > 0 ? k < end : k > end; k += step) idx.push(k);
    out.set(a, idx);
  });
  return out;
}

const sliceOp: Op = (inputs, node) => {
  const x = inputs[0]!;
  const shape = shapeOf(x);
  const picks = sliceIndices(shape, inputs, node);
  if (x.kind === 'host') {
    let c: HostConstant = x.c;
    for (const [axis, idx] of picks) c = hostTake(c, axis, idx);
    return [hostValue(c)];
  }
  let y = logical(x);
  for (const [axis, idx] of picks) y = takeAlong(y, axis, idx);
  return [tensorValue(y)];
};

const gatherOp: Op = ([x, ind], node) => {
  const shape = shapeOf(x!);
  const axis = axisOf(intAttr(node, 'axis', 0), shape.length, node);
  const fix = (i: number) => (i < 0 ? i + shape[axis] : i);
  if (ind!.kind === 'host') {
    const idx = ind!.c.data.map(fix);
    if (idx.some((i) => i < 0 || i >= shape[axis]))
      throw nodeError(node, `index out of range for dimension ${shape[axis]}`);
    const outShape = [...shape.slice(0, axis), ...ind!.c.shape, ...shape.slice(axis + 1)];
    if (x!.kind === 'host') return [hostValue({ ...hostTake(x!.c, axis, idx), shape: outShape })];
    return [tensorValue(tf.reshape(takeAlong(logical(x!), axis, idx), outShape))];
  }
  const idx = tf.cast(logical(ind!), 'int32');
  const fixed = tf.where(tf.less(idx, 0), tf.add(idx, shape[axis]), idx);
  return [tensorValue(tf.gather(logical(x!), fixed, axis))];
};

const concatOp: Op = (inputs, node) => {
  const xs = inputs.filter((x): x is Value => !!x);
  const axis = axisOf(intAttr(node, 'axis', 0), shapeOf(xs[0]).length, node);
  if (xs.every((x) => x.kind === 'host'))
    return [
      hostValue(
        hostConcat(
          xs.map((x) => hostData(x, 'Concat input')),
          axis,
        ),
      ),
    ];
  if (xs.every((x) => x.kind === 'tensor' && x.nhwc))
    return [tensorValue(tf.concat(xs.map(asNhwc), TO_NHWC.indexOf(axis)), true)];
  return [tensorValue(tf.concat(xs.map(logical), axis))];
};

const splitOp: Op = ([x, sizes], node) => {
  const shape = shapeOf(x!);
  const axis = axisOf(intAttr(node, 'axis', 0), shape.length, node);
  const n = node.outputs.length;
  const split = sizes ? hostInts(sizes, 'Split sizes') : (intsAttr(node, 'split') ?? Array(n).fill(shape[axis] / n));
  if (split.some((s) => !Number.isInteger(s)) || split.reduce((a, b) => a + b, 0) !== shape[axis])
    throw nodeError(node, `cannot split ${shape[axis]} into [${split}]`);
  if (x!.kind === 'tensor' && x!.nhwc)
    return tf.split(x!.t, split, TO_NHWC.indexOf(axis)).map((t) => tensorValue(t, true));
  return tf.split(logical(x!), split, axis).map((t) => tensorValue(t));
};

const unsqueezeOp: Op = ([x, axesIn], node) => {
  const shape = [...shapeOf(x!)];
  const rank = shape.length + hostInts(axesIn, 'Unsqueeze axes').length;
  const axes = hostInts(axesIn, 'Unsqueeze axes')
    .map((a) => axisOf(a, rank, node))
    .sort((a, b) => a - b);
  for (const a of axes) shape.splice(a, 0, 1);
  return [withShape(x!, shape)];
};

const squeezeOp: Op = ([x, axesIn], node) => {
  const shape = shapeOf(x!);
  const axes = axesIn ? hostInts(axesIn, 'Squeeze axes').map((a) => axisOf(a, shape.length, node)) : undefined;
  if (axes?.some((a) => shape[a] !== 1)) throw nodeError(node, `squeezes axes [${axes}] of [${shape}]`);
  return [
    withShape(
      x!,
      shape.filter((d, i) => (axes ? !axes.includes(i) : d !== 1)),
    ),
  ];
};

const expandOp: Op = ([x, target], node) => {
  const shape = broadcastShapes([shapeOf(x!), hostInts(target, 'Expand shape')]);
  if (!shape) throw nodeError(node, `cannot expand [${shapeOf(x!)}] to [${hostInts(target, 'Expand shape')}]`);
  checkBuilt(shape, node);
  if (x!.kind === 'host') {
    const zeros = { dtype: x!.c.dtype, shape, data: new Array<number>(sizeOfShape(shape)).fill(0) };
    return [hostValue(hostMap([x!.c, zeros], x!.c.dtype, (a) => a)!)];
  }
  if (x!.nhwc && shape.length === 4)
    return [
      tensorValue(
        tf.broadcastTo(
          x!.t,
          TO_NHWC.map((a) => shape[a]),
        ),
        true,
      ),
    ];
  return [tensorValue(tf.broadcastTo(logical(x!), shape))];
};

/** Host constants are kept below this size; a larger ConstantOfShape is a tensor. */
const HOST_LIMIT = 1 << 16;

/** No value a real network builds by Expand or ConstantOfShape comes near this (a hostile file would exhaust memory). */
const MAX_BUILT_ELEMENTS = 2 ** 28;

function checkBuilt(shape: number[], node: Parameters<Op>[1]): void {
  if (shape.some((d) => !Number.isInteger(d) || d < 0) || sizeOfShape(shape) > MAX_BUILT_ELEMENTS)
    throw nodeError(node, `would build a value of shape [${shape}], above ${MAX_BUILT_ELEMENTS} elements`);
}

const constantOfShapeOp: Op = ([s], node) => {
  const shape = hostInts(s, 'ConstantOfShape shape');
  const value = (node.attrs.value as HostConstant | undefined) ?? { dtype: 'float32', shape: [1], data: [0] };
  checkBuilt(shape, node);
  if (sizeOfShape(shape) > HOST_LIMIT)
    return [tensorValue(tf.fill(shape, value.data[0], value.dtype === 'float32' ? 'float32' : 'int32'))];
  return [hostValue({ dtype: value.dtype, shape, data: new Array<number>(sizeOfShape(shape)).fill(value.data[0]) })];
};

const padOp: Op = ([x, padsIn, value], node) => {
  const pads = hostInts(padsIn, 'Pad pads');
  const rank = pads.length / 2;
  if (pads.some((p) => p < 0)) throw nodeError(node, 'negative pads (cropping) are not supported');
  const pairs = Array.from({ length: rank }, (_, i) => [pads[i], pads[i + rank]] as [number, number]);
  const mode = stringAttr(node, 'mode', 'constant');
  const held = x!.kind === 'tensor' && x!.nhwc;
  const t = held ? (x as { t: tf.Tensor }).t : logical(x!);
  const order = held ? TO_NHWC.map((a) => pairs[a]) : pairs;
  if (mode === 'reflect') return [tensorValue(tf.mirrorPad(t, order, 'reflect'), held)];
  if (mode !== 'constant') throw nodeError(node, `pad mode "${mode}" is not supported (constant, reflect)`);
  const fill = value ? (hostData(value, 'Pad value').data[0] ?? 0) : 0;
  return [tensorValue(tf.pad(t, order, fill), held)];
};

/** The ONNX ops that move, pick or reshape data. */
export const SHAPE_OPS: Record<string, Op> = {
  Shape: ([x], node) => {
    const shape = shapeOf(x!);
    const start = intAttr(node, 'start', 0);
    const end = intAttr(node, 'end', shape.length);
    return [ints(shape.slice(start, end))];
  },
  Reshape: ([x, s], node) => [
    withShape(x!, reshapeTarget(shapeOf(x!), hostInts(s, 'Reshape shape'), intAttr(node, 'allowzero', 0) === 1, node)),
  ],
  Flatten: ([x], node) => {
    const shape = shapeOf(x!);
    const axis = intAttr(node, 'axis', 1);
    const a = axis < 0 ? axis + shape.length : axis;
    return [withShape(x!, [sizeOfShape(shape.slice(0, a)), sizeOfShape(shape.slice(a))])];
  },
  Transpose: transposeOp,
  Slice: sliceOp,
  Gather: gatherOp,
  Concat: concatOp,
  Split: splitOp,
  Unsqueeze: unsqueezeOp,
  Squeeze: squeezeOp,
  Expand: expandOp,
  ConstantOfShape: constantOfShapeOp,
  Constant: (_inputs, node) => [hostValue(node.attrs.value as HostConstant)],
  Pad: padOp,
};

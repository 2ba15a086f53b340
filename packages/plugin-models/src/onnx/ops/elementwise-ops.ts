import * as tf from '@tensorflow/tfjs-core';
import { HostConstant } from '../onnx-program';
import { asNhwc, hostInts, hostValue, logical, tensorValue, Value } from '../onnx-value';
import { broadcastShapes, hostMap } from './host-math';
import { floatAttr, intAttr, nodeError, Op } from './op';

const present = (xs: (Value | undefined)[]) => xs.filter((x): x is Value => x !== undefined);

/** Runs a tensor op on inputs laid out alike: NHWC when any input is an NHWC image tensor, ONNX's order otherwise. */
function onTensors(xs: Value[], f: (...ts: tf.Tensor[]) => tf.Tensor): Value {
  const nhwc = xs.some((x) => x.kind === 'tensor' && x.nhwc);
  return tensorValue(f(...xs.map((x) => (nhwc ? asNhwc(x) : logical(x)))), nhwc);
}

const allHost = (xs: Value[]): xs is { kind: 'host'; c: HostConstant }[] => xs.every((x) => x.kind === 'host');

/** An element-wise op: on the host when every input is a host constant and `host` is given, else in tfjs. */
function elementwise(tensor: (...ts: tf.Tensor[]) => tf.Tensor, host?: (...xs: number[]) => number, bool = false): Op {
  return (inputs, node) => {
    const xs = present(inputs);
    if (host && allHost(xs)) {
      const dtype = bool ? 'bool' : xs[0].c.dtype;
      const out = hostMap(
        xs.map((x) => x.c),
        dtype,
        host,
      );
      if (!out) throw nodeError(node, `shapes ${xs.map((x) => `[${x.c.shape}]`).join(', ')} do not broadcast`);
      return [hostValue(out)];
    }
    return [onTensors(xs, tensor)];
  };
}

const divide = (isInt: boolean) => (a: number, b: number) => (isInt ? Math.trunc(a / b) : a / b);

/** x^e; a constant exponent 2 or 0.5 as square or sqrt (exact, and their gradients are defined at 0). */
const powOp: Op = (inputs, node, ctx) => {
  const [x, e] = inputs;
  if (x?.kind === 'tensor' && e?.kind === 'host' && e.c.data.length === 1) {
    const k = e.c.data[0];
    const t = k === 2 ? tf.square(x.t) : k === 0.5 ? tf.sqrt(x.t) : tf.pow(x.t, k);
    return [tensorValue(t, x.nhwc)];
  }
  return elementwise(tf.pow, (a, b) => a ** b)(inputs, node, ctx);
};

const hardSigmoid = (t: tf.Tensor, alpha: number, beta: number) => tf.clipByValue(tf.add(tf.mul(t, alpha), beta), 0, 1);

/** Casts to what ONNX's `to` names: floats become float32, integers int32, bool stays bool. */
const castOp: Op = ([x], node) => {
  const to = intAttr(node, 'to', 1);
  const dtype = to === 9 ? 'bool' : [1, 10, 11, 16].includes(to) ? 'float32' : 'int';
  if (!x) throw nodeError(node, 'no input');
  if (x.kind === 'host') {
    const data = x.c.data.map((v) => (dtype === 'int' ? Math.trunc(v) : dtype === 'bool' ? Number(v !== 0) : v));
    return [hostValue({ dtype, shape: x.c.shape, data })];
  }
  return [tensorValue(tf.cast(x.t, dtype === 'int' ? 'int32' : dtype), x.nhwc)];
};

const clipOp: Op = ([x, lo, hi], node) => {
  const bound = (v: Value | undefined, fallback: number) => (v ? hostInts(v, 'a Clip bound')[0] : fallback);
  const [min, max] = [bound(lo, -Infinity), bound(hi, Infinity)];
  if (!x || x.kind !== 'tensor') throw nodeError(node, 'clips a tensor');
  return [tensorValue(tf.clipByValue(x.t, min, max), x.nhwc)];
};

/** Where(cond, a, b) with broadcasting (tf.where wants equal shapes). */
const whereOp: Op = (inputs, node) => {
  const xs = present(inputs);
  if (allHost(xs)) {
    const out = hostMap(
      xs.map((x) => x.c),
      xs[1].c.dtype,
      (c, a, b) => (c ? a : b),
    );
    if (!out) throw nodeError(node, 'shapes do not broadcast');
    return [hostValue(out)];
  }
  return [
    onTensors(xs, (c, a, b) => {
      const shape = broadcastShapes([c.shape, a.shape, b.shape]);
      if (!shape) throw nodeError(node, 'shapes do not broadcast');
      return tf.where(tf.broadcastTo(c, shape), tf.broadcastTo(a, shape), tf.broadcastTo(b, shape));
    }),
  ];
};

/** The element-wise ONNX ops, with host versions where shape arithmetic uses them. */
export const ELEMENTWISE_OPS: Record<string, Op> = {
  Add: elementwise(tf.add, (a, b) => a + b),
  Sub: elementwise(tf.sub, (a, b) => a - b),
  Mul: elementwise(tf.mul, (a, b) => a * b),
  Div: (inputs, node, ctx) => {
    const isInt = inputs.every((x) => x?.kind === 'host' && x.c.dtype === 'int');
    return elementwise(tf.div, divide(isInt))(inputs, node, ctx);
  },
  Pow: powOp,
  Equal: elementwise(tf.equal, (a, b) => Number(a === b), true),
  Less: elementwise(tf.less, (a, b) => Number(a < b), true),
  Greater: elementwise(tf.greater, (a, b) => Number(a > b), true),
  Where: whereOp,
  Relu: elementwise(tf.relu, (a) => Math.max(a, 0)),
  Sigmoid: elementwise(tf.sigmoid, (a) => 1 / (1 + Math.exp(-a))),
  Tanh: elementwise(tf.tanh, Math.tanh),
  Sqrt: elementwise(tf.sqrt, Math.sqrt),
  Exp: elementwise(tf.exp, Math.exp),
  Log: elementwise(tf.log, Math.log),
  Neg: elementwise(tf.neg, (a) => -a),
  Abs: elementwise(tf.abs, Math.abs),
  Reciprocal: elementwise(tf.reciprocal, (a) => 1 / a),
  Erf: elementwise(tf.erf),
  HardSigmoid: (inputs, node, ctx) =>
    elementwise((t) => hardSigmoid(t, floatAttr(node, 'alpha', 0.2), floatAttr(node, 'beta', 0.5)))(inputs, node, ctx),
  HardSwish: elementwise((t) => tf.mul(t, hardSigmoid(t, 1 / 6, 0.5))),
  Clip: clipOp,
  Cast: castOp,
  Identity: ([x]) => [x!],
  Dropout: ([x], node) => {
    if (node.outputs.length > 1 && node.outputs[1]) throw nodeError(node, 'its mask output is not supported');
    return [x!];
  },
};

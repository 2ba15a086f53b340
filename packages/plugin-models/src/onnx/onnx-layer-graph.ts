import { RtlabError } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';
import { GraphBuilder } from '../graph/graph-builder';
import { LayerGraph } from '../graph/layer-graph';
import { Params } from '../network/layers';
import { HostConstant, OnnxProgram, ProgramNode } from './onnx-program';
import { floatAttr, intAttr, intsAttr, nodeError } from './ops/op';

/** A value of g as the layer graph holds it: its node, its rank, and whether a ReLU made it >= 0. */
interface Held {
  node: number;
  rank: number;
  nonNegative: boolean;
}

/** The ops bounds can follow (linear maps, ReLU, max pooling). */
export const BOUNDED_ONNX_OPS = [
  'Conv',
  'BatchNormalization',
  'Relu',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'Flatten',
  'Gemm',
  'Identity',
  'Dropout',
];

/** Builds the layer graph node by node, from the program's values. */
class Translation {
  readonly g: GraphBuilder;
  readonly values = new Map<string, Held>();
  /** Tensors made of host constants, freed with the graph. */
  readonly created: tf.Tensor[] = [];

  constructor(
    readonly program: OnnxProgram,
    readonly p: Params,
  ) {
    this.g = new GraphBuilder(p);
  }

  /** A weight or a constant of the program as a tensor, or undefined for an activation. */
  constant(name: string): tf.Tensor | undefined {
    const key = this.program.params[name];
    if (key) return this.p(key);
    const c = this.program.constants[name] as HostConstant | undefined;
    if (!c) return undefined;
    const t = tf.tensor(c.data, c.shape, 'float32');
    this.created.push(t);
    return t;
  }

  held(node: ProgramNode, i = 0): Held {
    const v = this.values.get(node.inputs[i]);
    if (!v) throw nodeError(node, `bounds need input ${i + 1} to be computed from the image`);
    return v;
  }
}

function squareWindow(node: ProgramNode, name: string): number {
  const [a, b] = intsAttr(node, name) ?? [1, 1];
  if (a !== b) throw nodeError(node, `bounds need square ${name}, got [${a}, ${b}]`);
  return a;
}

/**
 * A constant an activation of rank 4 (NCHW) or 2 ([N, F]) is shifted or scaled by, as a vector along the
 * last axis of what the layer graph holds: a scalar, [1, C, 1, 1] (or [C, 1, 1]) for images, [1, F] or [F]
 * for flat values. Anything else varies along other axes, which an affine layer cannot express.
 */
function alongLastAxis(t: tf.Tensor, rank: number, node: ProgramNode): tf.Tensor {
  if (t.size === 1) return tf.reshape(t, [1]);
  const shape = [...Array(Math.max(rank - t.rank, 0)).fill(1), ...t.shape];
  if (shape.length !== rank || shape.some((d, a) => a !== 1 && d !== 1))
    throw nodeError(node, `bounds need a constant per channel, got [${t.shape}] against a rank-${rank} value`);
  return tf.reshape(t, [t.size]);
}

function conv(t: Translation, node: ProgramNode): Held {
  const x = t.held(node);
  if (intAttr(node, 'group', 1) !== 1) throw nodeError(node, 'bounds cover ungrouped convolutions only');
  if ((intsAttr(node, 'dilations') ?? [1, 1]).some((d) => d !== 1)) throw nodeError(node, 'dilated convolution');
  const [top, left, bottom, right] = intsAttr(node, 'pads') ?? [0, 0, 0, 0];
  if (!['NOTSET', 'VALID'].includes(String(node.attrs.auto_pad ?? 'NOTSET'))) throw nodeError(node, 'auto_pad');
  const weight = t.constant(node.inputs[1]) as tf.Tensor4D;
  const bias = node.inputs[2] ? t.constant(node.inputs[2]) : undefined;
  const pad: [[number, number], [number, number], [number, number], [number, number]] = [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
  const index = t.g.layer({
    op: 'conv',
    input: x.node,
    weight,
    ...(bias ? { bias } : {}),
    stride: squareWindow(node, 'strides'),
    pad,
  });
  return { node: index, rank: 4, nonNegative: false };
}

function batchNorm(t: Translation, node: ProgramNode): Held {
  const x = t.held(node);
  const [gamma, beta, mean, variance] = node.inputs.slice(1).map((n) => t.constant(n)!);
  const [scale, shift] = tf.tidy(() => {
    const s = tf.mul(gamma, tf.rsqrt(tf.add(variance, floatAttr(node, 'epsilon', 1e-5))));
    return [s, tf.sub(beta, tf.mul(mean, s))];
  });
  return {
    node: t.g.layer({ op: 'affine', input: x.node, scale, shift }, [scale, shift]),
    rank: x.rank,
    nonNegative: false,
  };
}

/** Add, Sub, Mul, Div: of two activations (Add only), or of an activation and a per-channel constant. */
function arithmetic(t: Translation, node: ProgramNode, shapes: Map<string, number[]>): Held {
  const [a, b] = node.inputs.map((n) => t.values.get(n));
  if (a && b) {
    if (node.op !== 'Add') throw nodeError(node, 'bounds cover the sum of two activations only');
    const [sa, sb] = node.inputs.map((n) => String(shapes.get(n)));
    if (sa !== sb) throw nodeError(node, `bounds need a sum of values of one shape, got [${sa}] and [${sb}]`);
    return { node: t.g.sum(a.node, b.node), rank: a.rank, nonNegative: a.nonNegative && b.nonNegative };
  }
  const x = a ?? b;
  const c = t.constant(node.inputs[a ? 1 : 0]);
  if (!x || !c || (!a && node.op !== 'Add' && node.op !== 'Mul'))
    throw nodeError(node, 'bounds need an activation and a constant');
  const [scale, shift] = tf.tidy(() => {
    const v = alongLastAxis(c, x.rank, node);
    const ones = tf.onesLike(v);
    const zeros = tf.zerosLike(v);
    if (node.op === 'Add') return [ones, v];
    if (node.op === 'Sub') return [ones, tf.neg(v)];
    if (node.op === 'Mul') return [v, zeros];
    return [tf.reciprocal(v), zeros];
  });
  return {
    node: t.g.layer({ op: 'affine', input: x.node, scale, shift }, [scale, shift]),
    rank: x.rank,
    nonNegative: false,
  };
}

function maxPool(t: Translation, node: ProgramNode): Held {
  const x = t.held(node);
  const [top, left, bottom, right] = intsAttr(node, 'pads') ?? [0, 0, 0, 0];
  if (intAttr(node, 'ceil_mode', 0) === 1 || !(top === left && left === bottom && bottom === right))
    throw nodeError(node, 'bounds need MaxPool with the same padding on every side and no ceil_mode');
  // Zero padding equals ONNX's -inf padding only on values >= 0 (after a ReLU).
  if (top > 0 && !x.nonNegative) throw nodeError(node, 'bounds need a padded MaxPool to follow a ReLU');
  const input = top > 0 ? t.g.zeroPad(x.node, top) : x.node;
  return {
    node: t.g.maxPool(input, squareWindow(node, 'kernel_shape'), squareWindow(node, 'strides')),
    rank: 4,
    nonNegative: x.nonNegative,
  };
}

function averagePool(t: Translation, node: ProgramNode): Held {
  const x = t.held(node);
  if ((intsAttr(node, 'pads') ?? [0, 0, 0, 0]).some((v) => v !== 0) || intAttr(node, 'ceil_mode', 0) === 1)
    throw nodeError(node, 'bounds need AveragePool without padding or ceil_mode');
  return {
    node: t.g.avgPool(x.node, squareWindow(node, 'kernel_shape'), squareWindow(node, 'strides')),
    rank: 4,
    nonNegative: x.nonNegative,
  };
}

/** Gemm inside g: a dense layer (weight as [in, out]). */
function gemm(t: Translation, node: ProgramNode): Held {
  const x = t.held(node);
  if (x.rank !== 2 || intAttr(node, 'transA', 0) !== 0) throw nodeError(node, 'bounds need Gemm of a flat activation');
  const w = t.constant(node.inputs[1]);
  if (!w) throw nodeError(node, 'bounds need a constant weight');
  const [alpha, beta] = [floatAttr(node, 'alpha', 1), floatAttr(node, 'beta', 1)];
  const c = node.inputs[2] ? t.constant(node.inputs[2]) : undefined;
  const [weight, bias] = tf.tidy(() => {
    const inOut = intAttr(node, 'transB', 0) === 1 ? tf.transpose(w) : tf.clone(w);
    const out = inOut.shape[1] as number;
    return [tf.mul(inOut, alpha), c ? tf.mul(tf.broadcastTo(tf.reshape(c, [-1]), [out]), beta) : tf.zeros([out])];
  });
  return {
    node: t.g.layer({ op: 'dense', input: x.node, weight: weight as tf.Tensor2D, bias }, [weight, bias]),
    rank: 2,
    nonNegative: false,
  };
}

/** Flatten: exact for pooled [N, C, 1, 1] values, whose order is the same in NCHW and NHWC. */
function flatten(t: Translation, node: ProgramNode, shapes: Map<string, number[]>): Held {
  const x = t.held(node);
  if (x.rank === 2) return x;
  const shape = shapes.get(node.inputs[0]) ?? [];
  if (intAttr(node, 'axis', 1) !== 1 || shape[2] !== 1 || shape[3] !== 1)
    throw nodeError(
      node,
      `bounds flatten [N, C, 1, 1] only (PyTorch flattens C x H x W in another order than the NHWC bounds), got [${shape}]`,
    );
  return { node: t.g.flatten(x.node), rank: 2, nonNegative: x.nonNegative };
}

/**
 * g of an imported network as a graph of layers, for IBP and CROWN: the nodes g needs, mapped onto conv,
 * affine, ReLU, add, pooling, flatten and dense layers. `shapes` are the ONNX shapes of the values (from
 * one run). A node outside BOUNDED_ONNX_OPS, or one of those in a form bounds do not follow, is an error
 * naming it.
 */
export function onnxLayerGraph(program: OnnxProgram, p: Params, shapes: Map<string, number[]>): LayerGraph {
  const t = new Translation(program, p);
  const free = () => tf.dispose(t.created);
  try {
    let input = t.g.input;
    if (program.normalize) input = t.g.normalize(input, p('normalize.mean'), p('normalize.std'));
    t.values.set(program.input, { node: input, rank: 4, nonNegative: false });
    for (const node of program.nodes) t.values.set(node.outputs[0], translate(t, node, shapes));
    const g = t.values.get(program.features)!;
    if (g.rank !== 2) throw new RtlabError('input', `bounds need g to be a flat value; "${program.features}" is not`);
  } catch (e) {
    t.g.build().dispose();
    free();
    throw e;
  }
  const graph = t.g.build();
  return {
    nodes: graph.nodes,
    dispose: () => {
      graph.dispose();
      free();
    },
  };
}

function translate(t: Translation, node: ProgramNode, shapes: Map<string, number[]>): Held {
  switch (node.op) {
    case 'Conv':
      return conv(t, node);
    case 'BatchNormalization':
      return batchNorm(t, node);
    case 'Relu':
      return { node: t.g.relu(t.held(node).node), rank: t.held(node).rank, nonNegative: true };
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div':
      return arithmetic(t, node, shapes);
    case 'MaxPool':
      return maxPool(t, node);
    case 'AveragePool':
      return averagePool(t, node);
    case 'GlobalAveragePool':
      return { node: t.g.globalAvgPool(t.held(node).node), rank: 2, nonNegative: t.held(node).nonNegative };
    case 'Flatten':
      return flatten(t, node, shapes);
    case 'Gemm':
      return gemm(t, node);
    case 'Identity':
    case 'Dropout':
      return t.held(node);
    default:
      throw new RtlabError(
        'input',
        `ONNX node "${node.name}" (${node.op}): bounds (IBP, CROWN) do not follow it; they cover ${BOUNDED_ONNX_OPS.join(', ')}`,
      );
  }
}

import * as tf from '@tensorflow/tfjs-core';
import { Padding } from '../network/layers';

/**
 * A network's representation g as a graph of layers in inference mode (batch norm folded into a
 * channel-wise affine map): what bound propagation (IBP, CROWN) walks, forwards and backwards. Node 0
 * is the input; each node reads earlier nodes only; the last node is g. Tensors are [N, ...] as in
 * `Architecture.features`; weights are the network's own (not owned by the graph).
 */
export type LayerNode =
  | { op: 'input' }
  | { op: 'conv'; input: number; weight: tf.Tensor4D; bias?: tf.Tensor; stride: number; pad: Padding }
  | { op: 'dense'; input: number; weight: tf.Tensor2D; bias?: tf.Tensor }
  /** x * scale + shift along the last axis: batch norm in inference mode, input normalisation. */
  | { op: 'affine'; input: number; scale: tf.Tensor; shift: tf.Tensor }
  | { op: 'relu'; input: number }
  | { op: 'add'; inputs: [number, number] }
  | { op: 'avgPool'; input: number; size: number; stride: number }
  | { op: 'globalAvgPool'; input: number }
  | { op: 'zeroPad'; input: number; pad: number }
  | { op: 'maxPool'; input: number; size: number; stride: number }
  | { op: 'flatten'; input: number };

/** The nodes of g, and how to free what the graph derived. */
export interface LayerGraph {
  nodes: LayerNode[];
  /** Frees the tensors the graph derived (folded batch norms), not the network's weights. */
  dispose(): void;
}

/** The nodes a node reads. */
export function inputsOf(node: LayerNode): number[] {
  if (node.op === 'input') return [];
  if (node.op === 'add') return node.inputs;
  return [node.input];
}

/** Ops that mix coordinates linearly (as opposed to per-coordinate affine maps and reshapes). */
export const MIXING_OPS = new Set(['conv', 'dense', 'avgPool', 'globalAvgPool']);

/** Linear (affine) ops: everything but relu, maxPool and the input. */
export const isLinear = (node: LayerNode) => !['input', 'relu', 'maxPool'].includes(node.op);

const padding = (p: number): [[number, number], [number, number], [number, number], [number, number]] => [
  [0, 0],
  [p, p],
  [p, p],
  [0, 0],
];

/** One node's output from its inputs' (with biases). */
export function applyNode(node: LayerNode, xs: tf.Tensor[]): tf.Tensor {
  const x = xs[0];
  switch (node.op) {
    case 'input':
      return x;
    case 'conv': {
      const y = tf.conv2d(x as tf.Tensor4D, node.weight, node.stride, node.pad);
      return node.bias ? tf.add(y, node.bias) : y;
    }
    case 'dense': {
      const y = tf.matMul(x as tf.Tensor2D, node.weight);
      return node.bias ? tf.add(y, node.bias) : y;
    }
    case 'affine':
      return tf.add(tf.mul(x, node.scale), node.shift);
    case 'relu':
      return tf.relu(x);
    case 'add':
      return tf.add(xs[0], xs[1]);
    case 'avgPool':
      return tf.avgPool(x as tf.Tensor4D, node.size, node.stride, 'valid');
    case 'globalAvgPool':
      return tf.mean(x, [1, 2]);
    case 'zeroPad':
      return tf.pad(x, padding(node.pad));
    case 'maxPool':
      return tf.maxPool(x as tf.Tensor4D, node.size, node.stride, 'valid');
    case 'flatten':
      return tf.reshape(x, [x.shape[0], -1]);
  }
}

/** g(x) through the graph (tests check it equals `Architecture.features`). Values of every node when `all`. */
export function runGraph(graph: LayerGraph, x: tf.Tensor4D): tf.Tensor2D {
  return tf.tidy(() => {
    const values: tf.Tensor[] = [];
    for (const node of graph.nodes)
      values.push(
        node.op === 'input'
          ? x
          : applyNode(
              node,
              inputsOf(node).map((i) => values[i]),
            ),
      );
    return values[values.length - 1] as tf.Tensor2D;
  });
}

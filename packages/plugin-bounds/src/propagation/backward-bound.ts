import { inputsOf, LayerGraph } from '@rtlab/plugin-models';
import * as tf from '@tensorflow/tfjs-core';
import { Ball, maximumOverBall } from './ball';
import { Interval } from './interval-bounds';
import { backThrough, constantOf } from './linear-maps';

/** What a backward pass needs: the graph, each node's shape (without the batch), the ball and the intervals it relaxes with. */
export interface BoundContext {
  graph: LayerGraph;
  shapes: number[][];
  ball: Ball;
  samples: number;
  /** Intervals of every ReLU's input and every maxPool's output. */
  intervals: Map<number, Interval>;
}

/** Sums a [N * S, ...] tensor over everything but the first axis. */
const rowSums = (t: tf.Tensor) => tf.sum(tf.reshape(t, [t.shape[0], -1]), 1);

/** Per-sample tensor [N, ...] broadcast against rows [N * S, ...]: reshaped as [N, 1, ...]. */
function perRow(A: tf.Tensor, t: tf.Tensor, samples: number, fn: (a: tf.Tensor, t: tf.Tensor) => tf.Tensor): tf.Tensor {
  const shaped = tf.reshape(A, [samples, -1, ...A.shape.slice(1)]);
  return tf.reshape(fn(shaped, tf.expandDims(t, 1)), A.shape);
}

/**
 * The ReLU's linear relaxation (CROWN, Zhang et al. 2018): upper line through (l, 0) and (u, u) where
 * l < 0 < u, lower slope 1 where u > -l else 0; exact where the sign is fixed.
 */
function reluRelaxation(i: Interval) {
  return tf.tidy(() => {
    const unstable = tf.logicalAnd(tf.less(i.lower, 0), tf.greater(i.upper, 0));
    const active = tf.greaterEqual(i.lower, 0);
    const ones = tf.onesLike(i.lower);
    const zeros = tf.zerosLike(i.lower);
    const slope = tf.div(i.upper, tf.maximum(tf.sub(i.upper, i.lower), 1e-12));
    const upperSlope = tf.where(unstable, slope, tf.where(active, ones, zeros));
    const upperIntercept = tf.where(unstable, tf.neg(tf.mul(slope, i.lower)), zeros);
    const lowerSlope = tf.where(
      unstable,
      tf.cast(tf.greater(i.upper, tf.neg(i.lower)), 'float32'),
      tf.where(active, ones, zeros),
    );
    return { upperSlope, upperIntercept, lowerSlope };
  });
}

/**
 * Upper bounds of c_r . v_from(x) + d_r over the ball, for rows r of `spec` [N * S, ...shape(from)] and
 * `offset` [N * S], by carrying the linear bound back to the input through every node (CROWN's backward
 * pass): linear maps exactly, ReLUs by their relaxation, maxPools by their interval. Lower bounds are
 * minus the upper bounds of the negated rows.
 */
export function upperBound(c: BoundContext, from: number, spec: tf.Tensor, offset: tf.Tensor1D): tf.Tensor1D {
  const A = new Map<number, tf.Tensor>([[from, tf.clone(spec)]]);
  let bias: tf.Tensor = tf.clone(offset);
  const accumulate = (node: number, value: tf.Tensor) => {
    const before = A.get(node);
    if (!before) return A.set(node, value);
    A.set(node, tf.add(before, value));
    tf.dispose([before, value]);
  };
  try {
    for (let i = from; i > 0; i--) {
      const a = A.get(i);
      if (!a) continue;
      A.delete(i);
      const { back, constant } = tf.tidy(() => backStep(c, i, a));
      a.dispose();
      const summed = tf.add(bias, constant);
      tf.dispose([bias, constant]);
      bias = summed;
      back.forEach(([j, t]) => accumulate(j, t));
    }
    const atInput = A.get(0);
    return tf.tidy(() =>
      atInput ? tf.add(bias, maximumOverBall(atInput, c.ball, c.samples)) : tf.clone(bias),
    ) as tf.Tensor1D;
  } finally {
    tf.dispose([...A.values(), bias]);
  }
}

/** One node of the backward pass: the coefficients for its inputs, and the constant it adds to the bound. */
function backStep(c: BoundContext, i: number, a: tf.Tensor): { back: [number, tf.Tensor][]; constant: tf.Tensor } {
  const node = c.graph.nodes[i];
  const ins = inputsOf(node);
  const none = tf.zeros([a.shape[0]]);
  if (node.op === 'add') return { back: ins.map((j) => [j, tf.clone(a)]), constant: none };
  const [pos, neg] = [tf.relu(a), tf.neg(tf.relu(tf.neg(a)))];
  if (node.op === 'relu') {
    const r = reluRelaxation(c.intervals.get(ins[0])!);
    const toInput = tf.add(perRow(pos, r.upperSlope, c.samples, tf.mul), perRow(neg, r.lowerSlope, c.samples, tf.mul));
    return { back: [[ins[0], toInput]], constant: rowSums(perRow(pos, r.upperIntercept, c.samples, tf.mul)) };
  }
  if (node.op === 'maxPool') {
    const own = c.intervals.get(i)!;
    const value = tf.add(perRow(pos, own.upper, c.samples, tf.mul), perRow(neg, own.lower, c.samples, tf.mul));
    return { back: [], constant: rowSums(value) };
  }
  const constant = constantOf(node, c.shapes[ins[0]]);
  return {
    back: [[ins[0], backThrough(node, a, c.shapes[ins[0]])]],
    constant: constant ? rowSums(tf.mul(a, constant)) : none,
  };
}

import { applyNode, inputsOf, isLinear, LayerGraph, MIXING_OPS } from '@rtlab/plugin-models';
import { sizeOf } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';
import { Ball } from './ball';
import { BoundContext, upperBound } from './backward-bound';
import { Interval, intervalBounds } from './interval-bounds';

/** How a bound is computed: interval propagation, CROWN from IBP's intermediate bounds, or CROWN throughout. */
export type BoundMethod = 'ibp' | 'crown-ibp' | 'crown';
export const BOUND_METHODS: readonly BoundMethod[] = ['ibp', 'crown-ibp', 'crown'];

export interface BoundOptions {
  /** Coefficients (floats) one backward pass may hold in its largest map; passes are chunked to fit. */
  maxCoefficients: number;
  /**
   * Full CROWN tightens a ReLU input only where at most this many of its neurons are unstable (in any
   * sample of the batch): each costs a backward pass. A layer with more keeps its IBP interval (counted
   * in `ibpLayers`), which is sound, only looser.
   */
  crownUnstableLimit: number;
}

/** Each node's output shape without the batch, from a forward pass on one zero input. */
function nodeShapes(graph: LayerGraph, input: number[]): number[][] {
  return tf.tidy(() => {
    const values: tf.Tensor[] = [];
    for (const node of graph.nodes)
      values.push(
        node.op === 'input'
          ? tf.zeros([1, ...input])
          : applyNode(
              node,
              inputsOf(node).map((i) => values[i]),
            ),
      );
    return values.map((v) => v.shape.slice(1));
  });
}

/** Nodes whose interval is already exact: affine images of the input through at most one mixing map. */
function exactNodes(graph: LayerGraph): boolean[] {
  const mixes: number[] = [0];
  return graph.nodes.map((node, i) => {
    if (i === 0) return true;
    const ins = inputsOf(node);
    const single = ins.length === 1 && isLinear(node) && mixes[ins[0]] <= 1;
    mixes[i] = single ? mixes[ins[0]] + (MIXING_OPS.has(node.op) ? 1 : 0) : Infinity;
    return mixes[i] <= 1;
  });
}

/** Rows of one-hot coefficients e_k for k in `indices`, repeated for each of `samples`: [samples * S, ...shape]. */
function unitRows(indices: number[], shape: number[], samples: number): tf.Tensor {
  return tf.tidy(() => {
    const rows = tf.oneHot(tf.tensor1d(indices, 'int32'), sizeOf(shape));
    return tf.reshape(tf.tile(tf.cast(rows, 'float32'), [samples, 1]), [samples * indices.length, ...shape]);
  });
}

/**
 * Bounds of a network's nodes over a ball: intermediate intervals by the method (IBP, or for `crown` IBP
 * tightened by a CROWN backward pass at each unstable ReLU input), then bounds of the output or of linear
 * specifications of it. Dispose when done.
 */
export class GraphBounds {
  private constructor(
    private readonly c: BoundContext,
    private readonly options: BoundOptions,
  ) {}

  /** ReLU inputs full CROWN left at their IBP interval (more unstable neurons than `crownUnstableLimit`). */
  ibpLayers = 0;

  static async compute(
    graph: LayerGraph,
    ball: Ball,
    method: BoundMethod,
    options: BoundOptions,
  ): Promise<GraphBounds> {
    const shapes = nodeShapes(graph, ball.x0.shape.slice(1));
    const output = graph.nodes.length - 1;
    const reluInputs = new Set(graph.nodes.flatMap((n) => (n.op === 'relu' ? inputsOf(n) : [])));
    const maxPools = new Set(graph.nodes.flatMap((n, i) => (n.op === 'maxPool' ? [i] : [])));
    const exact = exactNodes(graph);
    const targets = [...reluInputs].filter((i) => !exact[i]);
    const c: BoundContext = { graph, shapes, ball, samples: ball.x0.shape[0], intervals: new Map() };
    const bounds = new GraphBounds(c, options);
    const tighten =
      method === 'crown'
        ? async (i: number, interval: Interval, kept: Map<number, Interval>) =>
            targets.includes(i) ? bounds.tightened(i, interval, kept) : interval
        : undefined;
    c.intervals = await intervalBounds(
      graph,
      ball,
      (i) => reluInputs.has(i) || maxPools.has(i) || i === output,
      tighten,
    );
    return bounds;
  }

  /** How many specification rows per sample one backward pass from `node` may carry. */
  private rowsPerPass(node: number): number {
    const largest = Math.max(...this.c.shapes.slice(0, node + 1).map(sizeOf));
    return Math.max(1, Math.floor(this.options.maxCoefficients / (largest * this.c.samples)));
  }

  /** Lower and upper bounds of rows `indices` of node `node` by CROWN, [N, S] each. */
  private async crownRows(node: number, indices: number[]): Promise<{ lower: Float32Array; upper: Float32Array }> {
    const [n, s] = [this.c.samples, indices.length];
    const [lower, upper] = [new Float32Array(n * s), new Float32Array(n * s)];
    const per = this.rowsPerPass(node);
    for (let a = 0; a < s; a += per) {
      const part = indices.slice(a, a + per);
      const spec = unitRows(part, this.c.shapes[node], n);
      const zero = tf.zeros([spec.shape[0]]) as tf.Tensor1D;
      const up = upperBound(this.c, node, spec, zero);
      const minus = tf.neg(spec);
      const down = upperBound(this.c, node, minus, zero);
      const [u, d] = [await up.data(), await down.data()];
      tf.dispose([spec, zero, up, minus, down]);
      for (let r = 0; r < n; r++)
        for (let k = 0; k < part.length; k++) {
          upper[r * s + a + k] = u[r * part.length + k];
          lower[r * s + a + k] = -d[r * part.length + k];
        }
    }
    return { lower, upper };
  }

  /** A ReLU input's interval tightened by CROWN at its unstable neurons (in any sample), intersected with IBP's. */
  private async tightened(node: number, interval: Interval, kept: Map<number, Interval>): Promise<Interval> {
    this.c.intervals = kept;
    const [l, u] = [(await interval.lower.data()) as Float32Array, (await interval.upper.data()) as Float32Array];
    const size = sizeOf(this.c.shapes[node]);
    const unstable = [...Array(size).keys()].filter((k) => {
      for (let r = 0; r < this.c.samples; r++) if (l[r * size + k] < 0 && u[r * size + k] > 0) return true;
      return false;
    });
    if (!unstable.length) return interval;
    if (unstable.length > this.options.crownUnstableLimit) {
      this.ibpLayers++;
      return interval;
    }
    const crown = await this.crownRows(node, unstable);
    const [lower, upper] = [l.slice(), u.slice()];
    for (let r = 0; r < this.c.samples; r++)
      unstable.forEach((k, j) => {
        lower[r * size + k] = Math.max(lower[r * size + k], crown.lower[r * unstable.length + j]);
        upper[r * size + k] = Math.min(upper[r * size + k], crown.upper[r * unstable.length + j]);
      });
    const shape = interval.lower.shape;
    return { lower: tf.tensor(lower, shape), upper: tf.tensor(upper, shape) };
  }

  /** Elementwise bounds of the output g over the ball, [N, m] each: IBP's interval, or CROWN's backward pass. */
  async output(method: BoundMethod): Promise<{ lower: Float32Array; upper: Float32Array }> {
    const last = this.c.graph.nodes.length - 1;
    if (method === 'ibp') {
      const i = this.c.intervals.get(last)!;
      return { lower: (await i.lower.data()) as Float32Array, upper: (await i.upper.data()) as Float32Array };
    }
    return this.crownRows(last, [...Array(sizeOf(this.c.shapes[last])).keys()]);
  }

  /**
   * Lower bounds of C_r g(x) + d_r over the ball for specification rows C [N, S, m] and offsets d [N, S]:
   * IBP from the output interval, else CROWN's backward pass from the output. Returns [N * S].
   */
  async specificationLower(method: BoundMethod, C: tf.Tensor3D, d: tf.Tensor2D): Promise<Float32Array> {
    const last = this.c.graph.nodes.length - 1;
    const out = tf.tidy(() => {
      if (method === 'ibp') {
        const i = this.c.intervals.get(last)!;
        const [lo, hi] = [tf.expandDims(i.lower, 1), tf.expandDims(i.upper, 1)];
        return tf.reshape(
          tf.add(tf.sum(tf.add(tf.mul(tf.relu(C), lo), tf.mul(tf.neg(tf.relu(tf.neg(C))), hi)), 2), d),
          [-1],
        );
      }
      const rows = tf.reshape(C, [-1, C.shape[2]]);
      return tf.neg(upperBound(this.c, last, tf.neg(rows), tf.neg(tf.reshape(d, [-1])) as tf.Tensor1D));
    });
    const values = (await out.data()) as Float32Array;
    out.dispose();
    return values;
  }

  dispose(): void {
    for (const i of this.c.intervals.values()) tf.dispose([i.lower, i.upper]);
    this.c.intervals.clear();
  }
}

import { applyNode, inputsOf, isLinear, LayerGraph, LayerNode, MIXING_OPS } from '@rtlab/plugin-models';
import * as tf from '@tensorflow/tfjs-core';
import { Ball, inputBox } from './ball';
import { applyAbs, applySquared } from './linear-maps';

/** Elementwise bounds of a node's output over the ball: lower <= value <= upper, [N, ...shape]. */
export interface Interval {
  lower: tf.Tensor;
  upper: tf.Tensor;
}

/**
 * A node's set over an L2 ball while it is still an affine image of the ball through at most one mixing
 * map: center and per-coordinate eps^2 ||row||_2^2, exact. Becomes a box at the first op it cannot pass.
 */
interface L2Image {
  center: tf.Tensor;
  radiusSquared: tf.Tensor;
  mixed: boolean;
}

type NodeSet = { box: Interval } | { l2: L2Image };

function toBox(s: NodeSet): Interval {
  if ('box' in s) return s.box;
  return tf.tidy(() => {
    const r = tf.sqrt(s.l2.radiusSquared);
    return { lower: tf.sub(s.l2.center, r), upper: tf.add(s.l2.center, r) };
  });
}

function disposeSet(s: NodeSet): void {
  if ('box' in s) tf.dispose([s.box.lower, s.box.upper]);
  else tf.dispose([s.l2.center, s.l2.radiusSquared]);
}

/** Interval arithmetic through one node (centre and radius through linear maps, monotone ops on the ends). */
function intervalStep(node: LayerNode, ins: Interval[]): Interval {
  return tf.tidy(() => {
    if (node.op === 'add')
      return { lower: tf.add(ins[0].lower, ins[1].lower), upper: tf.add(ins[0].upper, ins[1].upper) };
    if (!isLinear(node)) return { lower: applyNode(node, [ins[0].lower]), upper: applyNode(node, [ins[0].upper]) };
    const mid = tf.div(tf.add(ins[0].upper, ins[0].lower), 2);
    const radius = tf.div(tf.sub(ins[0].upper, ins[0].lower), 2);
    const [m, r] = [applyNode(node, [mid]), applyAbs(node, radius)];
    return { lower: tf.sub(m, r), upper: tf.add(m, r) };
  });
}

function step(node: LayerNode, ins: NodeSet[]): NodeSet {
  const single = ins.length === 1 && 'l2' in ins[0] ? ins[0].l2 : undefined;
  const passes = single && isLinear(node) && node.op !== 'add' && !(single.mixed && MIXING_OPS.has(node.op));
  if (single && passes)
    return {
      l2: tf.tidy(() => ({
        center: applyNode(node, [single.center]),
        radiusSquared: applySquared(node, single.radiusSquared),
        mixed: single.mixed || MIXING_OPS.has(node.op),
      })),
    };
  const boxes = ins.map(toBox);
  const out = intervalStep(node, boxes);
  boxes.forEach((b, i) => 'l2' in ins[i] && tf.dispose([b.lower, b.upper]));
  return { box: out };
}

/** For each node, the last node that reads it. */
function lastReaders(graph: LayerGraph): number[] {
  const last = graph.nodes.map((_, i) => i);
  graph.nodes.forEach((node, i) => inputsOf(node).forEach((j) => (last[j] = i)));
  return last;
}

/**
 * Interval bound propagation (Gowal et al. 2018) over the ball: Linf starts from the box; L2 carries the
 * exact image of the ball through the affine maps up to the first mixing map (the dual norm at the first
 * layer), then boxes. Returns the intervals of the nodes `keep` names (others are freed once read);
 * `tighten` may replace a node's interval with a tighter sound one before its readers use it.
 */
export async function intervalBounds(
  graph: LayerGraph,
  ball: Ball,
  keep: (node: number) => boolean,
  tighten?: (node: number, interval: Interval, intervals: Map<number, Interval>) => Promise<Interval>,
): Promise<Map<number, Interval>> {
  const last = lastReaders(graph);
  const sets = new Map<number, NodeSet>();
  const kept = new Map<number, Interval>();
  sets.set(
    0,
    ball.norm === 'linf'
      ? { box: inputBox(ball) }
      : { l2: { center: tf.clone(ball.x0), radiusSquared: tf.fill(ball.x0.shape, ball.eps * ball.eps), mixed: false } },
  );
  try {
    for (let i = 0; i < graph.nodes.length; i++) {
      const node = graph.nodes[i];
      if (i > 0) {
        let set = step(
          node,
          inputsOf(node).map((j) => sets.get(j)!),
        );
        if (tighten && 'box' in set) {
          const tighter = await tighten(i, set.box, kept);
          if (tighter !== set.box) disposeSet(set);
          set = { box: tighter };
        }
        sets.set(i, set);
      }
      if (keep(i)) {
        const s = sets.get(i)!;
        kept.set(i, 'box' in s ? { lower: tf.clone(s.box.lower), upper: tf.clone(s.box.upper) } : toBox(s));
      }
      for (const j of inputsOf(node))
        if (last[j] === i && sets.has(j)) {
          disposeSet(sets.get(j)!);
          sets.delete(j);
        }
    }
  } catch (e) {
    for (const i of kept.values()) tf.dispose([i.lower, i.upper]);
    throw e;
  } finally {
    for (const s of sets.values()) disposeSet(s);
  }
  return kept;
}

import { selectBackend } from '@rtlab/backends';
import { apgdLinf, apgdL2, OBJECTIVES, runApgd } from '@rtlab/plugin-attacks';
import {
  Architecture,
  GraphBuilder,
  linearModel,
  Network,
  resnetBottleneck,
  runGraph,
  wideResNet,
} from '@rtlab/plugin-models';
import { SeededRng } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';
import { asUpperBound } from '../bounds/as-upper';
import { Ball } from './ball';
import { BOUND_METHODS, BoundMethod, GraphBounds } from './graph-bounds';

const OPTIONS = { maxCoefficients: 1 << 22, crownNeuronLimit: 1e6 };

async function featureBounds(net: Network, x0: tf.Tensor4D, norm: Ball['norm'], eps: number, method: BoundMethod) {
  const graph = net.layerGraph();
  const b = await GraphBounds.compute(graph, { norm, eps, x0, bounds: [0, 1] }, method, OPTIONS);
  const out = await b.output(method);
  b.dispose();
  graph.dispose();
  return out;
}

/** A network with weights from `rng` and batch-norm statistics that are not identities. */
async function family(arch: Architecture, head = 0): Promise<Network> {
  const net = Network.fresh(arch, new SeededRng(4));
  if (head) {
    const rng = new SeededRng(6);
    net.setHead(
      tf.tensor2d(
        Array.from({ length: head * arch.featureDim }, () => rng.normal()),
        [head, arch.featureDim],
      ),
      tf.zeros([head]) as tf.Tensor1D,
      { task: 'classification' },
    );
  }
  const a = await net.toArtifact();
  net.dispose();
  const rng = new SeededRng(5);
  for (const [name, t] of Object.entries(a.tensors))
    if (/running_var/.test(name)) t.data = Float32Array.from(t.data, () => 0.5 + rng.uniform());
    else if (/running_mean/.test(name)) t.data = Float32Array.from(t.data, () => 0.2 * rng.normal());
  return Network.fromArtifact(a);
}

/** Points of the ball (clipped to [0, 1]): uniform in the Linf box, or on/inside the L2 sphere. */
function ballPoints(x0: tf.Tensor4D, norm: Ball['norm'], eps: number, count: number, seed: number): tf.Tensor4D {
  return tf.tidy(() => {
    const shape = [count, ...x0.shape.slice(1)];
    const rows = tf.tile(x0, [count, 1, 1, 1]);
    if (norm === 'linf')
      return tf.clipByValue(
        tf.add(rows, tf.mul(tf.sign(tf.randomUniform(shape, -1, 1, 'float32', seed)), eps)),
        0,
        1,
      ) as tf.Tensor4D;
    const t = tf.randomNormal(shape, 0, 1, 'float32', seed);
    const unit = tf.div(t, tf.reshape(tf.norm(tf.reshape(t, [count, -1]), 'euclidean', 1), [count, 1, 1, 1]));
    return tf.clipByValue(tf.add(rows, tf.mul(unit, eps)), 0, 1) as tf.Tensor4D;
  });
}

describe.each(['cpu', 'wasm'] as const)('bounds on %s', (backend) => {
  beforeAll(() => selectBackend(backend));

  it('a linear g: IBP is the closed form g(x0) +- eps ||a_j||_1 (Linf) and +- eps ||a_j||_2 (L2), every method', async () => {
    const rng = new SeededRng(2);
    const A = Array.from({ length: 16 }, () => Array.from({ length: 3 }, () => rng.normal()));
    const net = Network.fromArtifact(linearModel(A, [4, 4, 1]));
    const x0 = tf.fill([1, 4, 4, 1], 0.5) as tf.Tensor4D;
    const g = [0, 1, 2].map((j) => 0.5 * A.reduce((s, r) => s + r[j], 0));
    for (const [norm, dual] of [
      ['linf', (c: number[]) => c.reduce((s, v) => s + Math.abs(v), 0)],
      ['l2', (c: number[]) => Math.hypot(...c)],
    ] as const)
      for (const method of BOUND_METHODS) {
        const b = await featureBounds(net, x0, norm, 0.05, method);
        [0, 1, 2].forEach((j) => {
          const r = 0.05 * dual(A.map((row) => row[j]));
          expect(b.upper[j]).toBeCloseTo(g[j] + r, 4);
          expect(b.lower[j]).toBeCloseTo(g[j] - r, 4);
        });
      }
    tf.dispose(x0);
    net.dispose();
  });

  it('a 2-input ReLU layer: the upper bounds of every method, and IBP lower bounds, equal vertex enumeration', async () => {
    const W = tf.tensor2d([
      [1, -2, 0.5],
      [0.7, 1, -1],
    ]);
    const bias = tf.tensor1d([0.1, -0.2, 0.05]);
    const graph = new GraphBuilder((n) => (n === 'h.weight' ? W : bias));
    graph.relu(graph.dense(graph.flatten(graph.input), 'h'));
    const x0 = tf.tensor4d([0.4, 0.6], [1, 1, 1, 2]);
    const eps = 0.3;
    const vertices = [-1, 1].flatMap((a) => [-1, 1].map((b) => [0.4 + a * eps, 0.6 + b * eps]));
    const at = (v: number[]) =>
      [0, 1, 2].map((j) => Math.max(0, v[0] * W.arraySync()[0][j] + v[1] * W.arraySync()[1][j] + bias.arraySync()[j]));
    const exactMax = [0, 1, 2].map((j) => Math.max(...vertices.map((v) => at(v)[j])));
    const exactMin = [0, 1, 2].map((j) => Math.min(...vertices.map((v) => at(v)[j])));
    for (const method of BOUND_METHODS) {
      const built = graph.build();
      const b = await GraphBounds.compute(built, { norm: 'linf', eps, x0, bounds: [0, 1] }, method, OPTIONS);
      const out = await b.output(method);
      b.dispose();
      exactMax.forEach((v, j) => expect(out.upper[j]).toBeCloseTo(v, 5));
      exactMin.forEach((v, j) => expect(out.lower[j]).toBeLessThanOrEqual(v + 1e-6));
      if (method === 'ibp') exactMin.forEach((v, j) => expect(out.lower[j]).toBeCloseTo(v, 5));
    }
    tf.dispose([W, bias, x0]);
  });

  it.each([
    ['wrn-10-1', wideResNet(10, 1), [1, 4, 4, 3]],
    ['resnet-1.1.1.1-p8', resnetBottleneck({ blocks: [1, 1, 1, 1], planes: 8, widthPerGroup: 64 }), [1, 16, 16, 3]],
  ] as const)(
    '%s: sound (random points and APGD inside the bounds), tighter by CROWN, IBP wider with eps, exact at eps 0',
    async (_, arch, shape) => {
      const net = await family(arch);
      const before = tf.memory().numTensors;
      const x0 = tf.randomUniform([...shape], 0.1, 0.9, 'float32', 1) as tf.Tensor4D;
      const clean = tf.tidy(() => net.features(x0));
      const g = (await clean.data()) as Float32Array;
      const m = g.length;
      const points = backend === 'wasm' ? 2000 : 500;
      for (const [norm, eps] of [
        ['linf', 1 / 255],
        ['l2', 0.1],
      ] as const) {
        const all = await Promise.all(BOUND_METHODS.map((method) => featureBounds(net, x0, norm, eps, method)));
        // soundness: random points of the ball, 1000 at a time
        for (let done = 0; done < points; done += 500) {
          const xs = ballPoints(x0, norm, eps, 500, done + 7);
          const f = tf.tidy(() => runGraph(net.layerGraph(), xs));
          const values = (await f.data()) as Float32Array;
          tf.dispose([xs, f]);
          for (const b of all)
            for (let i = 0; i < values.length; i++) {
              const j = i % m;
              const tolerance = 1e-4 * (1 + Math.abs(values[i]));
              expect(values[i]).toBeLessThanOrEqual(b.upper[j] + tolerance);
              expect(values[i]).toBeGreaterThanOrEqual(b.lower[j] - tolerance);
            }
        }
        // soundness against APGD with restarts, on the AS objective
        const batch = { cleanFeatures: clean };
        let apgdBest = 0;
        for (let seed = 0; seed < 2; seed++) {
          const r = await runApgd(
            norm === 'linf' ? apgdLinf : apgdL2,
            (x) => OBJECTIVES.representation(net, x, batch),
            x0,
            {
              eps,
              steps: 20,
              bounds: [0, 1],
              seed,
            },
          );
          r.x.dispose();
          apgdBest = Math.max(apgdBest, r.loss[0]);
        }
        const as = all.map((b) => asUpperBound(b.lower, b.upper, g, m)[0]);
        as.forEach((v) => expect(v).toBeGreaterThanOrEqual(apgdBest * (1 - 1e-4)));
        // CROWN-IBP and CROWN do not lose to IBP's widths by more than rounding on average
        const width = (b: { lower: Float32Array; upper: Float32Array }) =>
          b.upper.reduce((s, u, j) => s + u - b.lower[j], 0);
        expect(width(all[1])).toBeLessThanOrEqual(width(all[0]) * (1 + 1e-4));
        expect(width(all[2])).toBeLessThanOrEqual(width(all[1]) * (1 + 1e-4));
        // wider with eps; at eps 0, g(x0) itself
        for (const method of BOUND_METHODS) {
          const [small, large] = [
            await featureBounds(net, x0, norm, eps / 2, method),
            await featureBounds(net, x0, norm, eps, method),
          ];
          small.upper.forEach((u, j) => expect(large.upper[j]).toBeGreaterThanOrEqual(u - 1e-5 * (1 + Math.abs(u))));
          small.lower.forEach((l, j) => expect(large.lower[j]).toBeLessThanOrEqual(l + 1e-5 * (1 + Math.abs(l))));
          const zero = await featureBounds(net, x0, norm, 0, method);
          zero.upper.forEach((u, j) => expect(u).toBeCloseTo(g[j], 4));
          zero.lower.forEach((l, j) => expect(l).toBeCloseTo(g[j], 4));
        }
      }
      tf.dispose([x0, clean]);
      expect(tf.memory().numTensors).toBe(before);
      net.dispose();
    },
    120000,
  );
});

import { selectBackend } from '@rtlab/backends';
import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'fs';
import * as path from 'path';
import { dlrLoss } from '../objectives/dlr';
import { apgdL2, apgdLinf } from './apgd-norm';
import { apgdCheckpoints } from './apgd-schedule';
import { runApgd } from './run-apgd';

// Made by tools/apgd-reference.py: an independent APGD in PyTorch, float64, on a small tanh network.
const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/apgd/trajectories.json'), 'utf8')) as {
  shape: [number, number, number, number];
  x0: number[];
  labels: number[];
  targets: number[];
  weights: Record<'w1' | 'w2' | 'wr', number[][]> & Record<'b1' | 'b2', number[]>;
  runs: {
    norm: 'linf' | 'l2';
    objective: 'ce' | 'dlr' | 'regression' | 'representation';
    eps: number;
    steps: number;
    start: number[];
    iterates: number[][];
    stepSizes: number[][];
    best: number[];
    lossBest: number[];
  }[];
  checkpoints: Record<string, number[]>;
};

function network() {
  const w = fixture.weights;
  const [w1, b1, w2, b2, wr] = [
    tf.tensor2d(w.w1),
    tf.tensor1d(w.b1),
    tf.tensor2d(w.w2),
    tf.tensor1d(w.b2),
    tf.tensor2d(w.wr),
  ];
  const x0 = tf.tensor4d(fixture.x0, fixture.shape);
  const labels = tf.tensor1d(fixture.labels, 'int32');
  const targets = tf.tensor2d(fixture.targets, [fixture.targets.length, 1]);
  const features = (x: tf.Tensor4D) =>
    tf.tanh(tf.add(tf.matMul(tf.reshape(x, [x.shape[0], -1]), w1), b1)) as tf.Tensor2D;
  const logits = (x: tf.Tensor4D) => tf.add(tf.matMul(features(x), w2), b2) as tf.Tensor2D;
  const clean = tf.tidy(() => features(x0));
  const losses = {
    ce: (x: tf.Tensor4D) =>
      tf.losses.softmaxCrossEntropy(
        tf.oneHot(labels, 4),
        logits(x),
        undefined,
        undefined,
        tf.Reduction.NONE,
      ) as tf.Tensor1D,
    dlr: (x: tf.Tensor4D) => dlrLoss(logits(x), labels),
    regression: (x: tf.Tensor4D) =>
      tf.reshape(tf.abs(tf.sub(tf.matMul(features(x), wr), targets)), [-1]) as tf.Tensor1D,
    representation: (x: tf.Tensor4D) =>
      tf.sqrt(tf.add(tf.sum(tf.square(tf.sub(features(x), clean)), 1), 1e-12)) as tf.Tensor1D,
  };
  return { x0, losses, dispose: () => tf.dispose([w1, b1, w2, b2, wr, x0, labels, targets, clean]) };
}

const maxDifference = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('APGD against an independent PyTorch reference (float64)', () => {
  it('checks its step size at the reference checkpoints for every run length', () => {
    for (const [steps, checks] of Object.entries(fixture.checkpoints))
      expect(apgdCheckpoints(Number(steps))).toEqual(checks);
  });

  describe.each(['cpu', 'wasm'] as const)('on %s', (backend) => {
    beforeAll(() => selectBackend(backend));

    it.each(fixture.runs.map((r) => [`${r.norm} ${r.objective}`, r] as const))(
      '%s: every iterate and step size of a short run equal to 1e-5',
      async (_, run) => {
        const before = tf.memory().numTensors;
        const net = network();
        const start = tf.tensor4d(run.start, fixture.shape);
        const iterates: Float32Array[] = [];
        const sizes: number[][] = [];
        const out = await runApgd(run.norm === 'linf' ? apgdLinf : apgdL2, net.losses[run.objective], net.x0, {
          eps: run.eps,
          steps: run.steps,
          bounds: [0, 1],
          seed: 0,
          start,
          onStep: (_step, x, stepSizes) => {
            iterates.push(x.dataSync() as Float32Array);
            sizes.push(Array.from(stepSizes));
          },
        });
        iterates.forEach((x, i) => expect(maxDifference(x, run.iterates[i])).toBeLessThan(1e-5));
        sizes.forEach((s, i) => expect(maxDifference(s, run.stepSizes[i])).toBeLessThan(1e-9));
        expect(maxDifference(out.x.dataSync(), run.best)).toBeLessThan(1e-5);
        expect(maxDifference(out.loss, run.lossBest)).toBeLessThan(1e-5);
        tf.dispose([out.x, start]);
        net.dispose();
        expect(tf.memory().numTensors).toBe(before);
      },
    );
  });
});

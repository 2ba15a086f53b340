import { HEAD_BIAS, HEAD_WEIGHT, SeededRng } from '@rtlab/sdk';
import { inputGradient, OBJECTIVES, pgdLinf, runPgd } from '@rtlab/plugin-attacks';
import { dspritesCnn, initHead, Network, wideResNet } from '@rtlab/plugin-models';
import * as tf from '@tensorflow/tfjs-core';

/** One timed unit of work and how many images it processes. */
export interface Workload {
  name: string;
  images: number;
  run(): void | Promise<void>;
  dispose(): void;
}

/** The four benchmark workloads; tools/torch-bench.py times the same shapes, batch sizes and steps in PyTorch. */
export const WORKLOADS: Record<string, () => Workload> = {
  'dsprites-encode': () => {
    const net = Network.fresh(dspritesCnn, new SeededRng(0));
    const x = tf.randomUniform([512, 64, 64, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    return { name: 'dsprites-encode', images: 512, run: () => read(() => net.features(x)), dispose: () => { x.dispose(); net.dispose(); } };
  },
  'dsprites-pgd': () => {
    const net = Network.fresh(dspritesCnn, new SeededRng(0));
    const x = tf.randomUniform([512, 64, 64, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    const clean = tf.tidy(() => net.features(x));
    const eps = 16 / 255;
    const loss = (xa: tf.Tensor4D) => OBJECTIVES.representation(net, xa, { cleanFeatures: clean });
    return {
      name: 'dsprites-pgd', images: 512,
      run: async () => {
        const adversarial = await runPgd(pgdLinf, loss, x, { eps, steps: 20, stepSize: 0.7 * eps, randomStart: true, bounds: [0, 1], seed: 2 });
        await read(() => adversarial);
      },
      dispose: () => { tf.dispose([x, clean]); net.dispose(); },
    };
  },
  'wrn-encode': () => {
    const net = Network.fresh(wideResNet(34, 10), new SeededRng(0));
    const x = tf.randomUniform([64, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    return { name: 'wrn-encode', images: 64, run: () => read(() => net.features(x)), dispose: () => { x.dispose(); net.dispose(); } };
  },
  'wrn-pgd-step': () => {
    const net = Network.fresh(wideResNet(34, 10), new SeededRng(0));
    const head = initHead(640, 100, new SeededRng(1));
    net.setHead(tf.tensor2d(head[HEAD_WEIGHT].data, [100, 640]), tf.tensor1d(head[HEAD_BIAS].data as Float32Array), { task: 'classification' });
    const x = tf.randomUniform([64, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const labels = tf.tensor1d(Int32Array.from({ length: 64 }, (_, i) => (i * 37) % 100), 'int32');
    // Per-sample CE (the mean's 1/64 does not change the step direction); the input gradient is taken
    // over chunks of 16 samples to stay inside wasm's 4 GiB heap: the same arithmetic as one batch of 64.
    const loss = (xa: tf.Tensor4D, start: number) => OBJECTIVES.ce(net, xa, { cleanFeatures: tf.zeros([xa.shape[0], 640]) as tf.Tensor2D, labels: tf.slice(labels, [start], [xa.shape[0]]) });
    return { name: 'wrn-pgd-step', images: 64, run: () => read(() => inputGradient(loss, x, 16)), dispose: () => { tf.dispose([x, labels]); net.dispose(); } };
  },
};

/** Runs f, reads the result to the host (so asynchronous backends such as webgpu finish), and frees everything. */
async function read(f: () => tf.Tensor): Promise<void> {
  const t = tf.tidy(f);
  await t.data();
  t.dispose();
}

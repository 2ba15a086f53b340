import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@rtlab/backends';
import { Artifact, datasetArtifact, HEAD_BIAS, HEAD_WEIGHT, SeededRng, standaloneContext } from '@rtlab/sdk';
import { dspritesCnn, Network } from '@rtlab/plugin-models';
import { encodeFeaturesPlugin } from './encode-features';
import { PretrainParams, pretrainRegressionPlugin } from './pretrain-regression';
import { probeLinearPlugin, ProbeParams } from './probe-linear';

const probe = (p: Partial<ProbeParams>): ProbeParams => ({
  task: 'regression',
  epochs: 200,
  batchSize: 64,
  optimizer: 'adam',
  lr: 0.05,
  momentum: 0.9,
  weightDecay: 0,
  schedule: 'cosine',
  ...p,
});

/** Features with an exact linear answer: y = w . g + b. */
function linearFeatures(n: number, w: number[], b: number): Artifact {
  const rng = new SeededRng(9);
  const g = Float32Array.from({ length: n * w.length }, () => rng.normal());
  const y = Float32Array.from({ length: n }, (_, i) => w.reduce((s, wj, j) => s + wj * g[i * w.length + j], b));
  return {
    type: 'Features',
    meta: { dim: w.length, factors: ['y'], classes: [] },
    tensors: {
      features: { dtype: 'float32', shape: [n, w.length], data: g },
      targets: { dtype: 'float32', shape: [n, 1], data: y },
    },
  };
}

const rep: Artifact = {
  type: 'Model',
  meta: { architecture: 'linear', featureDim: 3, outputs: 0, inputShape: [1, 1, 3] },
  tensors: { 'A.weight': { dtype: 'float32', shape: [3, 3], data: Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]) } },
};

describe('probe/linear', () => {
  beforeAll(() => selectBackend('wasm'));

  it('recovers an exactly linear regression target: W -> w, b -> b', async () => {
    const out = await probeLinearPlugin.run(
      { model: rep, features: linearFeatures(256, [0.5, -1, 2], 0.3) },
      probe({ target: 'y' }),
      standaloneContext(),
    );
    expect(Array.from(out.tensors[HEAD_WEIGHT].data)).toEqual([0.5, -1, 2].map((v) => expect.closeTo(v, 2)));
    expect(out.tensors[HEAD_BIAS].data[0]).toBeCloseTo(0.3, 2);
    expect(out.meta).toMatchObject({ task: 'regression', target: 'y', outputs: 1, probe: 'linear' });
    expect(out.tensors['A.weight']).toBe(rep.tensors['A.weight']);
  });

  it('weight decay shrinks ||W|| (Tab. 2)', async () => {
    const norm = (a: Artifact) => Math.hypot(...a.tensors[HEAD_WEIGHT].data);
    const features = linearFeatures(256, [0.5, -1, 2], 0.3);
    const plain = await probeLinearPlugin.run(
      { model: rep, features },
      probe({ target: 'y', epochs: 30 }),
      standaloneContext(),
    );
    const decayed = await probeLinearPlugin.run(
      { model: rep, features },
      probe({ target: 'y', epochs: 30, weightDecay: 1 }),
      standaloneContext(),
    );
    expect(norm(decayed)).toBeLessThan(0.8 * norm(plain));
  });

  it('records the loss of every epoch, falling on a separable task, and for classifiers the training accuracy', async () => {
    const regression = await probeLinearPlugin.run(
      { model: rep, features: linearFeatures(256, [0.5, -1, 2], 0.3) },
      probe({ target: 'y', epochs: 5 }),
      standaloneContext(),
    );
    const history = regression.meta.training as { loss: number[]; accuracy?: number[] };
    expect(history.loss).toHaveLength(5);
    expect(history.loss[4]).toBeLessThan(history.loss[0]);
    expect(history.accuracy).toBeUndefined();
    expect(regression.meta.trainLoss).toBe(history.loss[4]);
    // two classes split by the sign of the first feature: a probe learns it within a few epochs
    const f = linearFeatures(200, [1, 0, 0], 0);
    const labels = Int32Array.from({ length: 200 }, (_, i) => (f.tensors.features.data[i * 3] > 0 ? 1 : 0));
    const classes: Artifact = {
      ...f,
      meta: { ...f.meta, factors: [], classes: ['neg', 'pos'] },
      tensors: { features: f.tensors.features, labels: { dtype: 'int32', shape: [200], data: labels } },
    };
    const probed = await probeLinearPlugin.run(
      { model: rep, features: classes },
      probe({ task: 'classification', epochs: 8, lr: 0.1 }),
      standaloneContext(),
    );
    const accuracy = (probed.meta.training as { accuracy: number[] }).accuracy;
    expect(accuracy).toHaveLength(8);
    expect(accuracy.every((a) => a >= 0 && a <= 1)).toBe(true);
    expect(accuracy[7]).toBeGreaterThan(0.9);
  });

  it('names the targets it could use when the target is wrong', async () => {
    await expect(
      probeLinearPlugin.run(
        { model: rep, features: linearFeatures(8, [1], 0) },
        probe({ target: 'colour' }),
        standaloneContext(),
      ),
    ).rejects.toThrow(/one of: y; got colour/);
  });
});

describe('pretrain/regression and encode/features on dsprites-cnn', () => {
  beforeAll(() => selectBackend('wasm'));
  const n = 32;
  const rng = new SeededRng(3);
  const data = datasetArtifact({
    images: Uint8Array.from({ length: n * 4096 }, () => (rng.uniform() < 0.1 ? 255 : 0)),
    imageShape: [64, 64, 1],
    targets: Float32Array.from({ length: n }, () => rng.uniform()),
    meta: { name: 'noise', factors: ['orientation'] },
  });
  const init = async () => {
    const net = Network.fresh(dspritesCnn, new SeededRng(1));
    const a = await net.toArtifact();
    net.dispose();
    return a;
  };
  const params = (p: Partial<PretrainParams>): PretrainParams => ({
    target: 'orientation',
    mode: 'standard',
    calibrateBatchNorm: true,
    epochs: 3,
    batchSize: 16,
    optimizer: 'adam',
    lr: 0.003,
    momentum: 0.9,
    weightDecay: 0,
    schedule: 'constant',
    adversarial: { eps: 8 / 255, steps: 2, relStepsize: 0.5 },
    ...p,
  });

  it('random mode keeps the untrained weights and estimates batch-norm statistics; standard and adversarial train, leaking nothing', async () => {
    const model = await init();
    const before = tf.memory().numTensors;
    const random = await pretrainRegressionPlugin.run(
      { model, data },
      params({ mode: 'random', calibrateBatchNorm: true }),
      standaloneContext(),
    );
    expect(Array.from(random.tensors['c1.weight'].data)).toEqual(Array.from(model.tensors['c1.weight'].data));
    expect(Array.from(random.tensors['b1.running_var'].data)).not.toEqual(
      Array.from(model.tensors['b1.running_var'].data),
    );
    const identity = await pretrainRegressionPlugin.run(
      { model, data },
      params({ mode: 'random', calibrateBatchNorm: false }),
      standaloneContext(),
    );
    expect(Array.from(identity.tensors['b1.running_var'].data)).toEqual([1, 1, 1, 1, 1, 1]);
    for (const mode of ['standard', 'adversarial'] as const) {
      const trained = await pretrainRegressionPlugin.run({ model, data }, params({ mode }), standaloneContext());
      expect(Array.from(trained.tensors['c1.weight'].data)).not.toEqual(Array.from(model.tensors['c1.weight'].data));
      expect(trained.meta).toMatchObject({ pretraining: mode, task: 'regression', target: 'orientation', outputs: 1 });
      expect(Number.isFinite(trained.meta.trainLoss)).toBe(true);
      expect((trained.meta.training as { loss: number[] }).loss).toHaveLength(3);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('batch-norm calibration: running statistics = mean of the per-batch statistics (checked on the first layer)', async () => {
    const model = await init();
    const random = await pretrainRegressionPlugin.run(
      { model, data },
      params({ mode: 'random', batchSize: n / 2 }),
      standaloneContext(),
    );
    const stats = tf.tidy(() => {
      const x = tf.tensor4d(
        Float32Array.from(data.tensors.images.data, (v) => v / 255),
        [n, 64, 64, 1],
      );
      const w = tf.tensor4d(
        model.tensors['c1.weight'].data,
        model.tensors['c1.weight'].shape as [number, number, number, number],
      );
      const h = tf.avgPool(
        tf.relu(
          tf.add(tf.conv2d(x, w, 1, 'valid'), tf.tensor1d(model.tensors['c1.bias'].data as Float32Array)),
        ) as tf.Tensor4D,
        2,
        2,
        'valid',
      );
      const halves = [tf.slice(h, [0], [n / 2]), tf.slice(h, [n / 2], [n / 2])].map((b) => tf.moments(b, [0, 1, 2]));
      const count = (n / 2) * 30 * 30;
      return {
        mean: tf.div(tf.add(halves[0].mean, halves[1].mean), 2).dataSync(),
        variance: tf.div(tf.add(halves[0].variance, halves[1].variance), 2 * ((count - 1) / count)).dataSync(),
      };
    });
    expect(Array.from(random.tensors['b1.running_mean'].data)).toEqual(
      Array.from(stats.mean).map((v) => expect.closeTo(v, 5)),
    );
    expect(Array.from(random.tensors['b1.running_var'].data)).toEqual(
      Array.from(stats.variance).map((v) => expect.closeTo(v, 5)),
    );
  });

  it('encode/features gives g(x) per sample, equal to a direct forward pass', async () => {
    const model = await init();
    const f = await encodeFeaturesPlugin.run({ model, data }, { batchSize: 10 }, standaloneContext());
    expect(f.tensors.features.shape).toEqual([n, 84]);
    const net = Network.fromArtifact(model);
    const x = tf.tensor4d(
      Float32Array.from(data.tensors.images.data.subarray(0, 4096 * 2), (v) => v / 255),
      [2, 64, 64, 1],
    );
    const direct = net.features(x);
    expect(Array.from(f.tensors.features.data.subarray(0, 168))).toEqual(
      Array.from(direct.dataSync()).map((v) => expect.closeTo(v, 5)),
    );
    tf.dispose([x, direct]);
    net.dispose();
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@rtlab/backends';
import { SeededRng } from '@rtlab/sdk';
import { dspritesCnn } from '../architectures/dsprites-cnn';
import { BatchNormMode } from './batch-norm-mode';
import { Network } from './network';

describe('Network (dsprites-cnn)', () => {
  beforeAll(() => selectBackend('wasm'));

  it('maps [N, 64, 64, 1] to 84 features, deterministically from the seed', () => {
    const [a, b, c] = [1, 1, 2].map((s) => Network.fresh(dspritesCnn, new SeededRng(s)));
    const x = tf.randomUniform([3, 64, 64, 1], 0, 1, 'float32', 7) as tf.Tensor4D;
    const [fa, fb, fc] = [a, b, c].map((n) => tf.tidy(() => n.features(x)));
    expect(fa.shape).toEqual([3, 84]);
    expect(Array.from(fa.dataSync())).toEqual(Array.from(fb.dataSync()));
    expect(Array.from(fa.dataSync())).not.toEqual(Array.from(fc.dataSync()));
    tf.dispose([x, fa, fb, fc]);
    [a, b, c].forEach((n) => n.dispose());
  });

  it('rejects inputs of another size or channel count with what to set on the load node', () => {
    const net = Network.fresh(dspritesCnn, new SeededRng(1));
    const x = tf.zeros([1, 32, 32, 1]) as tf.Tensor4D;
    expect(() => net.features(x)).toThrow(
      /dsprites-cnn takes 64x64x1 images, the data gives 32x32x1: set "resize" and\/or "grayscaleToRgb"/,
    );
    tf.dispose(x);
    net.dispose();
  });

  it('uses PyTorch batch-norm semantics: batch statistics in training, running averages with the unbiased variance', () => {
    const net = Network.fresh(dspritesCnn, new SeededRng(1));
    const x = tf.randomUniform([4, 64, 64, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const bn: BatchNormMode = { training: true, updates: [] };
    const train = net.features(x, bn);
    // In training mode each of the 84 outputs is normalised over the batch: mean 0, (biased) variance ~1.
    const { mean, variance } = tf.moments(train, 0);
    expect(Math.max(...Array.from(mean.dataSync()).map(Math.abs))).toBeLessThan(1e-4);
    Array.from(variance.dataSync()).forEach((v) => expect(v).toBeCloseTo(1, 2));
    const last = bn.updates!.find((u) => u.name === 'b5')!;
    const expectedVar = Array.from(last.variance.dataSync()).map((v) => 0.9 + 0.1 * v * (4 / 3));
    const expectedMean = Array.from(last.mean.dataSync()).map((m) => 0.1 * m);
    net.applyBatchNormUpdates(bn);
    expect(Array.from(net.param('b5.running_var').dataSync())).toEqual(expectedVar.map((v) => expect.closeTo(v, 5)));
    expect(Array.from(net.param('b5.running_mean').dataSync())).toEqual(expectedMean.map((v) => expect.closeTo(v, 5)));
    tf.dispose([x, train, mean, variance]);
    net.dispose();
  });

  it('round-trips through a Model artifact, and disposes every variable', async () => {
    const before = tf.memory().numTensors;
    const net = Network.fresh(dspritesCnn, new SeededRng(4));
    const artifact = await net.toArtifact({ pretraining: 'random' });
    const back = Network.fromArtifact(artifact);
    const x = tf.ones([2, 64, 64, 1]) as tf.Tensor4D;
    const [a, b] = [net, back].map((n) => tf.tidy(() => n.features(x)));
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(artifact.meta).toMatchObject({
      architecture: 'dsprites-cnn',
      featureDim: 84,
      outputs: 0,
      pretraining: 'random',
    });
    expect(Object.keys(artifact.tensors)).toContain('b3.running_var');
    tf.dispose([x, a, b]);
    net.dispose();
    back.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('computes no filter gradient for an input gradient (kernel calls counted)', async () => {
    const net = Network.fresh(dspritesCnn, new SeededRng(1));
    const x = tf.randomUniform([2, 64, 64, 1]) as tf.Tensor4D;
    const inputGrad = await tf.profile(() => tf.grad((v: tf.Tensor) => tf.sum(net.features(v as tf.Tensor4D)))(x));
    expect(inputGrad.kernelNames).toContain('Conv2DBackpropInput');
    expect(inputGrad.kernelNames).not.toContain('Conv2DBackpropFilter');
    const weightGrad = await tf.profile(
      () => tf.variableGrads(() => tf.sum(net.features(x)) as tf.Scalar, net.trainable('representation')).grads,
    );
    expect(weightGrad.kernelNames).toContain('Conv2DBackpropFilter');
    x.dispose();
    net.dispose();
  });
});

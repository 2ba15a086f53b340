import { decodeSafetensors, HostTensor, standaloneContext } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { releaseBackend, selectBackend } from '../packages/backends/src';
import { useSoftwareAdapter } from '../packages/backends/src/webgpu/test-support/software-adapter';
import { Network, onnxPlugin, softmaxCrossEntropy } from '../packages/plugin-models/src';
import { ROOT } from './rtlab-cli';

// The ONNX import on Mesa's software GPU (lavapipe): the fixtures tools/make-onnx-fixtures.py made,
// against PyTorch's float64 outputs, as packages/plugin-models checks them on wasm and cpu.
const FIXTURES = path.join(ROOT, 'packages/plugin-models/fixtures/onnx');
const FAMILIES = [
  'resnet',
  'wide-resnet',
  'resnext',
  'mobilenet-v2',
  'mobilenet-v3',
  'efficientnet-b0',
  'convnext',
  'vit',
  'dino-vit',
];

function relativeError(ours: Float32Array, theirs: HostTensor): number {
  const scale = Math.max(...Array.from(theirs.data, Math.abs));
  return ours.reduce((m, v, i) => Math.max(m, Math.abs(v - Number(theirs.data[i]))), 0) / scale;
}

describe('model/onnx on webgpu (software adapter) equals PyTorch', () => {
  beforeAll(async () => {
    useSoftwareAdapter();
    await selectBackend('webgpu');
  });
  afterAll(() => releaseBackend());

  it.each(FAMILIES)(
    '%s: features and logits within 1e-4, input gradients within 1e-3',
    async (family) => {
      const ref = decodeSafetensors(fs.readFileSync(path.join(FIXTURES, `${family}.io.safetensors`))).tensors;
      const model = await onnxPlugin.run(
        {},
        { file: `${family}.onnx`, externalData: [] },
        standaloneContext({ modelRoot: FIXTURES }),
      );
      const net = Network.fromArtifact(model);
      const x = tf.tensor4d(ref.input.data as Float32Array, ref.input.shape as [number, number, number, number]);
      const labels = tf.tensor1d(Int32Array.from(ref.labels.data), 'int32');
      const [f, z] = tf.tidy(() => [net.features(x), net.logits(x)]);
      const grad = tf.grad((xi: tf.Tensor) => tf.sum(softmaxCrossEntropy(net.logits(xi as tf.Tensor4D), labels)))(x);
      const [features, logits, gradient] = (await Promise.all([f.data(), z.data(), grad.data()])) as Float32Array[];
      tf.dispose([x, labels, f, z, grad]);
      net.dispose();
      expect(relativeError(features, ref.features)).toBeLessThan(1e-4);
      expect(relativeError(logits, ref.logits)).toBeLessThan(1e-4);
      expect(relativeError(gradient, ref.gradient)).toBeLessThan(1e-3);
    },
    120_000,
  );
});

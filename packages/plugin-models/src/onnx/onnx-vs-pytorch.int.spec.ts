import { selectBackend } from '@rtlab/backends';
import { Artifact, decodeSafetensors, HostTensor, standaloneContext } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Network } from '../network/network';
import { softmaxCrossEntropy } from '../network/linear-head';
import { onnxPlugin, OnnxParams } from '../plugins/onnx-plugin';

// Networks exported by torch.onnx.export, and PyTorch's float64 outputs: tools/make-onnx-fixtures.py.
const FIXTURES = path.join(__dirname, '../../fixtures/onnx');
const ctx = standaloneContext({ modelRoot: FIXTURES });
const io = (name: string) => decodeSafetensors(fs.readFileSync(path.join(FIXTURES, `${name}.io.safetensors`))).tensors;
const load = (file: string, p: Partial<OnnxParams> = {}) => onnxPlugin.run({}, { file, externalData: [], ...p }, ctx);

/** max |ours - theirs| / max |theirs|. */
function relativeError(ours: Float32Array, theirs: HostTensor): number {
  const scale = Math.max(...Array.from(theirs.data, Math.abs));
  return ours.reduce((m, v, i) => Math.max(m, Math.abs(v - Number(theirs.data[i]))), 0) / scale;
}

/** g, f and the input gradient of the summed cross-entropy, and the tensors left allocated. */
function outputs(model: Artifact, ref: Record<string, HostTensor>) {
  const net = Network.fromArtifact(model);
  const before = tf.memory().numTensors;
  const x = tf.tensor4d(ref.input.data as Float32Array, ref.input.shape as [number, number, number, number]);
  const labels = tf.tensor1d(Int32Array.from(ref.labels.data), 'int32');
  const [f, z] = tf.tidy(() => [net.features(x), net.logits(x)]);
  const grad = tf.grad((xi: tf.Tensor) => tf.sum(softmaxCrossEntropy(net.logits(xi as tf.Tensor4D), labels)))(x);
  const out = {
    features: f.dataSync() as Float32Array,
    logits: z.dataSync() as Float32Array,
    grad: grad.dataSync() as Float32Array,
  };
  tf.dispose([x, labels, f, z, grad]);
  const leaked = tf.memory().numTensors - before;
  net.dispose();
  return { ...out, leaked };
}

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

describe.each(['wasm', 'cpu'] as const)('model/onnx on %s equals PyTorch', (backend) => {
  beforeAll(() => selectBackend(backend));

  it.each(FAMILIES)('%s: features and logits within 1e-4, input gradients within 1e-3', async (family) => {
    const ref = io(family);
    const model = await load(`${family}.onnx`);
    expect(model.meta).toMatchObject({ featureDim: ref.features.shape[1], outputs: ref.logits.shape[1] });
    const ours = outputs(model, ref);
    expect(ours.leaked).toBe(0);
    expect(relativeError(ours.features, ref.features)).toBeLessThan(1e-4);
    expect(relativeError(ours.logits, ref.logits)).toBeLessThan(1e-4);
    expect(relativeError(ours.grad, ref.gradient)).toBeLessThan(1e-3);
  });
});

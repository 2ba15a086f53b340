import { decodeSafetensors, HostTensor, standaloneContext } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { softmaxCrossEntropy } from '../network/linear-head';
import { Network } from '../network/network';
import { onnxPlugin } from '../plugins/onnx-plugin';

/** Networks exported by torch.onnx.export, with PyTorch's float64 outputs beside them (tools/make-onnx-fixtures.py). */
export const ONNX_FIXTURES = path.join(__dirname, '../../fixtures/onnx');

/** The families of the fixtures: torchvision's classes at small widths, and a timm-style DINO ViT. */
export const ONNX_FAMILIES = [
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

/** max |ours - theirs| / max |theirs|. */
export function relativeError(ours: ArrayLike<number>, theirs: HostTensor): number {
  const scale = Math.max(...Array.from(theirs.data, Math.abs));
  let worst = 0;
  for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i] - Number(theirs.data[i])));
  return worst / scale;
}

/**
 * A fixture imported by model/onnx on the current backend, against PyTorch: the relative errors of g, of
 * the logits and of the input gradient of the summed cross-entropy, the Model's metadata, and the tensors
 * the computation left allocated. Reads asynchronously, as GPU backends need.
 */
export async function againstPyTorch(family: string) {
  const ref = decodeSafetensors(fs.readFileSync(path.join(ONNX_FIXTURES, `${family}.io.safetensors`))).tensors;
  const model = await onnxPlugin.run(
    {},
    { file: `${family}.onnx`, externalData: [] },
    standaloneContext({ modelRoot: ONNX_FIXTURES }),
  );
  const net = Network.fromArtifact(model);
  const before = tf.memory().numTensors;
  const x = tf.tensor4d(ref.input.data as Float32Array, ref.input.shape as [number, number, number, number]);
  const labels = tf.tensor1d(Int32Array.from(ref.labels.data), 'int32');
  const [f, z] = tf.tidy(() => [net.features(x), net.logits(x)]);
  const grad = tf.grad((xi: tf.Tensor) => tf.sum(softmaxCrossEntropy(net.logits(xi as tf.Tensor4D), labels)))(x);
  const [features, logits, gradient] = await Promise.all([f.data(), z.data(), grad.data()]);
  tf.dispose([x, labels, f, z, grad]);
  const leaked = tf.memory().numTensors - before;
  net.dispose();
  return {
    meta: model.meta,
    expected: { featureDim: ref.features.shape[1], outputs: ref.logits.shape[1] },
    features: relativeError(features, ref.features),
    logits: relativeError(logits, ref.logits),
    gradient: relativeError(gradient, ref.gradient),
    leaked,
  };
}

import { abortPoint, Artifact, batchRanges, datasetView, imageBatch, Plugin } from '@rtlab/sdk';
import { Network } from '@rtlab/plugin-models';
import * as tf from '@tensorflow/tfjs-core';
import { featuresOfDataset } from '../features';

/** `encode/features`: g(x) for every sample, batch by batch (batch norm in inference mode). */
export const encodeFeaturesPlugin: Plugin<{ batchSize: number }> = {
  kind: 'encode',
  name: 'features',
  version: '1.0.0',
  description: 'The representation g(x) of every sample (batch norm in inference mode), cached for linear probing.',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: { batchSize: { type: 'integer', minimum: 1, default: 512, description: 'Samples per forward pass.' } },
  },
  inputs: {
    model: { type: 'Model', description: 'the representation g' },
    data: { type: 'Dataset', description: 'samples to encode' },
  },
  output: 'Features',
  async run(inputs, p, ctx) {
    const data = datasetView(inputs.data as Artifact);
    const net = Network.fromArtifact(inputs.model as Artifact);
    try {
      const dim = net.meta.featureDim;
      const out = new Float32Array(data.count * dim);
      const [h, w, c] = data.imageShape;
      for (const [start, end] of batchRanges(data.count, p.batchSize)) {
        await abortPoint(ctx.signal);
        const features = tf.tidy(() => net.features(tf.tensor4d(imageBatch(data, start, end), [end - start, h, w, c])));
        out.set(await features.data(), start * dim);
        features.dispose();
        ctx.progress(end, data.count);
      }
      return featuresOfDataset(out, dim, data, { architecture: net.meta.architecture });
    } finally {
      net.dispose();
    }
  },
};

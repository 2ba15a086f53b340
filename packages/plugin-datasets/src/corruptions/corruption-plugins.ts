import {
  abortPoint,
  Artifact,
  datasetArtifact,
  datasetView,
  Plugin,
  PluginContext,
  sampleSeed,
  SeededRng,
} from '@rtlab/sdk';
import { ImageSink } from '../formats/image-sink';
import { gaussianNoise } from './gaussian-noise';
import { zoomBlur } from './zoom-blur';

/** Images read at once. */
const BLOCK = 256;

export interface CorruptionParams {
  severity: number;
}

/** One sample's corruption: its stored image in, the corrupted bytes written at out[offset]. */
type Corrupt = (
  image: Uint8Array,
  shape: [number, number, number],
  severity: number,
  index: number,
  ctx: PluginContext,
  out: Uint8Array,
  offset: number,
) => void;

/**
 * A plugin that maps a Dataset to a corrupted copy: every stored image corrupted at a severity (1-5),
 * labels, targets and view kept; large datasets stream through files as loaders do. Randomness is
 * seeded per sample from the node seed and the sample's index, so results do not depend on sharding.
 */
function corruptionPlugin(name: string, description: string, corrupt: Corrupt): Plugin<CorruptionParams> {
  return {
    kind: 'corrupt',
    name,
    version: '1.0.0',
    description,
    params: {
      type: 'object',
      additionalProperties: false,
      properties: {
        severity: {
          type: 'integer',
          minimum: 1,
          maximum: 5,
          default: 1,
          description: 'Severity 1-5, as in CIFAR-10-C / ImageNet-C.',
        },
      },
    },
    inputs: { data: { type: 'Dataset', description: 'the clean dataset' } },
    output: 'Dataset',
    async run(inputs, p, ctx): Promise<Artifact> {
      const d = datasetView(inputs.data as Artifact);
      const sink = new ImageSink(ctx, d.count, d.storedShape);
      try {
        // a block of images per read: a dataset kept in files is read in a few large reads, not one per image
        for (let start = 0; start < d.count; start += BLOCK) {
          await abortPoint(ctx.signal);
          ctx.progress(start, d.count, name);
          const block = d.images.read(start, Math.min(d.count, start + BLOCK));
          const size = d.images.rowBytes;
          for (let i = start; i < start + block.length / size; i++) {
            corrupt(
              block.subarray((i - start) * size, (i - start + 1) * size),
              d.storedShape,
              p.severity,
              i,
              ctx,
              sink.out,
              sink.offset(i),
            );
            sink.written();
          }
        }
      } finally {
        sink.close();
      }
      const meta = { ...d.meta, name: `${d.meta.name}-${name}-${p.severity}` };
      return datasetArtifact({
        images: sink.finish(),
        imageShape: d.storedShape,
        meta,
        ...(d.labels ? { labels: d.labels } : {}),
        ...(d.targets ? { targets: d.targets } : {}),
      });
    },
  };
}

/** `corrupt/gaussian-noise`: CIFAR-10-C's Gaussian noise, c = 0.04, 0.06, 0.08, 0.09, 0.10 by severity. */
export const gaussianNoisePlugin = corruptionPlugin(
  'gaussian-noise',
  'Gaussian noise as in CIFAR-10-C: clip(x + N(0, c^2), 0, 1), c = 0.04, 0.06, 0.08, 0.09, 0.10 by severity; stored as uint8 (truncated, as the reference stores it).',
  (image, _shape, severity, index, ctx, out, offset) =>
    gaussianNoise(image, severity, new SeededRng(sampleSeed(ctx.seed, ctx.firstSample + index)), out, offset),
);

/** `corrupt/zoom-blur`: CIFAR-10-C's zoom blur, zoom factors from 1 in steps of 0.01 to 1.06, 1.11, 1.15, 1.20, 1.25 by severity. */
export const zoomBlurPlugin = corruptionPlugin(
  'zoom-blur',
  'Zoom blur as in CIFAR-10-C: the mean of the image and its centre crops zoomed by 1, 1.01, ... (to 1.06, 1.11, 1.15, 1.20, 1.25 by severity) with linear interpolation; stored as uint8.',
  (image, shape, severity, _index, _ctx, out, offset) => zoomBlur(image, shape, severity, out, offset),
);

import { abortPoint, datasetArtifact, PluginContext, RtlabError } from '@rtlab/sdk';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DatasetSource, missing } from '../formats/data-file';
import { ImageSink } from '../formats/image-sink';
import { LoaderParams, subsetIndices, viewOf } from '../transforms/loader-params';
import { Fit, loadImage } from './decode-image';

export interface FolderSample {
  file: string;
  label: number;
}

const IMAGE = /\.jpe?g$/i;

/** Every JPEG under root/<class>/ for the classes in order (label = index), file names sorted. */
export function classFolderSamples(root: string, classes: string[], source: DatasetSource): FolderSample[] {
  if (!fs.existsSync(root)) throw missing(root, source);
  return classes.flatMap((name, label) => {
    const dir = path.join(root, name);
    if (!fs.existsSync(dir)) throw missing(dir, source);
    const files = fs
      .readdirSync(dir)
      .filter((f) => IMAGE.test(f))
      .sort();
    if (files.length === 0) throw new RtlabError('input', `${source.name}: ${dir} holds no .jpg/.jpeg images`);
    return files.map((f) => ({ file: path.join(dir, f), label }));
  });
}

export interface FolderDataset {
  name: string;
  classes: string[];
  samples: FolderSample[];
  size: [number, number];
  fit: Fit;
  /** Centre-crop window as a share of the largest one (1: all of the shorter side). */
  crop?: number;
}

/**
 * Decodes the (subset of the) samples into a Dataset of uint8 RGB images of one size, with progress.
 * Beyond `ctx.partBytes` they go to files as they are decoded (see ImageSink).
 */
export async function folderDataset(d: FolderDataset, p: LoaderParams, ctx: PluginContext) {
  const keep = subsetIndices(d.samples.length, p, ctx, d.name);
  const [h, w] = d.size;
  const sink = new ImageSink(ctx, keep.length, [h, w, 3]);
  try {
    for (const [row, i] of keep.entries()) {
      await abortPoint(ctx.signal);
      await loadImage(d.samples[i].file, d.size, d.fit, d.crop ?? 1, sink.out, sink.offset(row));
      sink.written();
      if (row % 100 === 0) ctx.progress(row, keep.length, 'decoding');
    }
  } finally {
    sink.close();
  }
  const labels = Int32Array.from(keep, (i) => d.samples[i].label);
  return datasetArtifact({
    images: sink.finish(),
    imageShape: [h, w, 3],
    labels,
    meta: { name: d.name, classes: d.classes, ...(viewOf(p) ? { view: viewOf(p)! } : {}) },
  });
}

export const SIZE_SCHEMA = (size: number) => ({
  type: 'array',
  items: { type: 'integer', minimum: 1 },
  minItems: 2,
  maxItems: 2,
  default: [size, size],
  description:
    'Stored [height, width]: images differ in size, so each is resized once when loaded (see fit); resize later per batch with "resize".',
});

export const FIT_SCHEMA = (fit: Fit) => ({
  enum: ['stretch', 'center-crop'],
  default: fit,
  description:
    "stretch: the whole image to size; center-crop: the centred window of size's aspect ratio (Resize + CenterCrop).",
});

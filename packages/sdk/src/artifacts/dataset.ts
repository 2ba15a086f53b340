import { RtlabError } from '../errors/rtlab-error';
import { applyView, ImageView, viewedShape } from '../images/image-view';
import { Artifact, FileTensor, JsonValue } from './artifact';
import { sliceFileTensor, TensorRows, tensorRows } from './tensor-rows';

/**
 * The Dataset artifact: images stored compactly as uint8 NHWC at native resolution, in memory or, for
 * datasets larger than memory, in files (`Artifact.files`), plus optional regression targets (float32
 * [N, F], min-max scaled to [0, 1]) and class labels (int32 [N]). Consumers decode one batch at a time
 * with `imageBatch`, which also applies the dataset's `view` (resize, grayscale -> RGB) per batch: peak
 * memory follows the batch size, not the dataset size.
 */
export interface DatasetMeta {
  [key: string]: JsonValue | undefined;
  name: string;
  /** Names of the target columns, e.g. ["shape", "scale", "orientation", "posX", "posY"]. */
  factors?: string[];
  /** Class names, index = label. */
  classes?: string[];
  /** Per-batch presentation of the stored images (see ImageView). */
  view?: ImageView;
}

/** A Dataset artifact as plugins read it: its images (through a view that resizes or converts per batch), labels and targets. */
export interface DatasetView {
  count: number;
  /** [H, W, C] of the images as models see them (after the view). */
  imageShape: [number, number, number];
  /** [H, W, C] of the stored uint8 images. */
  storedShape: [number, number, number];
  /** The stored images, one row per sample, read a batch at a time. */
  images: TensorRows;
  targets?: Float32Array;
  labels?: Int32Array;
  meta: DatasetMeta;
}

/** The tensor of a Dataset that holds its images, uint8 [N, H, W, C]: its first dimension is the sample count. */
export const DATASET_IMAGES = 'images';

/** What `datasetArtifact` builds a Dataset from. */
export interface DatasetParts extends Omit<DatasetView, 'count' | 'storedShape' | 'images'> {
  /** uint8 NHWC of `imageShape`, in memory or written to files (`FileTensorWriter`). */
  images: Uint8Array | FileTensor;
}

/** A Dataset artifact from images stored as uint8 NHWC of `imageShape`. */
export function datasetArtifact(d: DatasetParts): Artifact {
  const [h, w, c] = d.imageShape;
  const count = d.images instanceof Uint8Array ? d.images.length / (h * w * c) : d.images.shape[0];
  const tensors: Artifact['tensors'] = {};
  if (d.targets) tensors.targets = { dtype: 'float32', shape: [count, d.targets.length / count], data: d.targets };
  if (d.labels) tensors.labels = { dtype: 'int32', shape: [count], data: d.labels };
  const artifact: Artifact =
    d.images instanceof Uint8Array
      ? {
          type: 'Dataset',
          meta: d.meta as Artifact['meta'],
          tensors: { ...tensors, [DATASET_IMAGES]: { dtype: 'uint8', shape: [count, h, w, c], data: d.images } },
        }
      : { type: 'Dataset', meta: d.meta as Artifact['meta'], tensors, files: { [DATASET_IMAGES]: d.images } };
  const problems = datasetProblems(artifact);
  if (problems.length) throw new RtlabError('plugin', `not a valid Dataset: ${problems.join('; ')}`);
  return artifact;
}

/**
 * Every way an artifact breaks the Dataset contract, each naming the field: uint8 images [N, H, W, C] (in
 * memory or in files), int32 labels [N] within meta.classes, float32 targets [N, F] named by meta.factors.
 */
export function datasetProblems(a: Artifact): string[] {
  const images = a.tensors?.[DATASET_IMAGES] ?? a.files?.[DATASET_IMAGES];
  if (
    !images ||
    images.dtype !== 'uint8' ||
    images.shape.length !== 4 ||
    !images.shape.every((n) => Number.isInteger(n) && n >= 0)
  )
    return [`images must be uint8 [N, H, W, C], got ${images ? `${images.dtype} [${images.shape}]` : 'none'}`];
  const n = images.shape[0];
  const { labels, targets } = a.tensors ?? {};
  const meta = a.meta ?? {};
  const problems: string[] = [];
  if (typeof meta.name !== 'string') problems.push('meta.name must name the dataset');
  if (labels && (labels.dtype !== 'int32' || labels.shape.join() !== String(n)))
    problems.push(`labels must be int32 [${n}], got ${labels.dtype} [${labels.shape}]`);
  else if (labels && Array.isArray(meta.classes)) {
    const k = meta.classes.length;
    const bad = (labels.data as Int32Array).findIndex((l) => l < 0 || l >= k);
    if (bad >= 0)
      problems.push(`label ${labels.data[bad]} of sample ${bad} is outside the ${k} classes of meta.classes`);
  }
  if (targets && (targets.dtype !== 'float32' || targets.shape.length !== 2 || targets.shape[0] !== n))
    problems.push(`targets must be float32 [${n}, F], got ${targets.dtype} [${targets.shape}]`);
  else if (targets && Array.isArray(meta.factors) && meta.factors.length !== targets.shape[1])
    problems.push(`meta.factors names ${meta.factors.length} factors, targets has ${targets.shape[1]} columns`);
  return problems;
}

/** Reads a Dataset artifact; throws naming what is wrong when it is not one. */
export function datasetView(a: Artifact): DatasetView {
  const images = a.tensors[DATASET_IMAGES] ?? a.files?.[DATASET_IMAGES];
  if (a.type !== 'Dataset' || !images || images.dtype !== 'uint8' || images.shape.length !== 4) {
    throw new RtlabError(
      'input',
      `expected a Dataset artifact with uint8 images [N,H,W,C], got ${a.type} with images ${images ? `[${images.shape}] ${images.dtype}` : 'missing'}`,
    );
  }
  const [count, h, w, c] = images.shape;
  const meta = a.meta as DatasetMeta;
  return {
    count,
    imageShape: viewedShape([h, w, c], meta.view),
    storedShape: [h, w, c],
    images: tensorRows(images),
    targets: a.tensors.targets?.data as Float32Array | undefined,
    labels: a.tensors.labels?.data as Int32Array | undefined,
    meta,
  };
}

/** Images [start, end) as float32 in [0, 1], NHWC, viewed (resized, RGB) as models see them. */
export function imageBatch(d: DatasetView, start: number, end: number): Float32Array {
  return viewed(d, d.images.read(start, end), end - start);
}

/** Images at arbitrary indices (a shuffled minibatch) as float32 in [0, 1], NHWC, viewed. */
export function imageRows(d: DatasetView, indices: ArrayLike<number>): Float32Array {
  return viewed(d, d.images.gather(indices), indices.length);
}

/** `rows` stored images as float32 in [0, 1], each through the dataset's view. */
function viewed(d: DatasetView, bytes: Uint8Array, rows: number): Float32Array {
  const size = d.images.rowBytes;
  const outSize = d.imageShape[0] * d.imageShape[1] * d.imageShape[2];
  const out = new Float32Array(rows * outSize);
  const pixels = outSize === size && !d.meta.view ? undefined : new Float32Array(size);
  for (let r = 0; r < rows; r++) {
    const src = r * size;
    const into = pixels ?? out.subarray(r * outSize, (r + 1) * outSize);
    for (let i = 0; i < size; i++) into[i] = bytes[src + i] / 255;
    if (pixels) out.set(applyView(pixels, d.storedShape, d.meta.view ?? {}), r * outSize);
  }
  return out;
}

/** One target column for samples [start, end). */
export function targetColumn(d: DatasetView, factor: string, start = 0, end = d.count): Float32Array {
  const names = d.meta.factors ?? [];
  const j = names.indexOf(factor);
  if (j < 0 || !d.targets)
    throw new RtlabError(
      'input',
      `dataset ${d.meta.name} has no target "${factor}"; it has: ${names.join(', ') || '(none)'}`,
    );
  const out = new Float32Array(end - start);
  for (let i = start; i < end; i++) out[i - start] = d.targets[i * names.length + j];
  return out;
}

/** A dataset's class labels; throws when it has none (a regression dataset). */
export function labelsOf(d: DatasetView): Int32Array {
  if (!d.labels) throw new RtlabError('input', `dataset ${d.meta.name} has no class labels`);
  return d.labels;
}

/**
 * Samples [start, end) of a Dataset artifact as a Dataset of their own (the metadata and view kept);
 * images kept in files stay there (the slice names the files' ranges).
 */
export function sliceDataset(a: Artifact, start: number, end: number): Artifact {
  const d = datasetView(a);
  const per = d.targets ? d.targets.length / d.count : 0;
  const inFiles = a.files?.[DATASET_IMAGES];
  return datasetArtifact({
    images: inFiles ? sliceFileTensor(inFiles, start, end) : d.images.read(start, end).slice(),
    imageShape: d.storedShape,
    meta: d.meta,
    ...(d.labels ? { labels: d.labels.slice(start, end) } : {}),
    ...(d.targets ? { targets: d.targets.slice(start * per, end * per) } : {}),
  });
}

/** [start, end) pairs covering 0..count in steps of batchSize. */
export function batchRanges(count: number, batchSize: number): [number, number][] {
  const out: [number, number][] = [];
  for (let s = 0; s < count; s += batchSize) out.push([s, Math.min(count, s + batchSize)]);
  return out;
}

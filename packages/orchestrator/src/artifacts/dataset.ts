import { RtlabError } from '../errors/rtlab-error';
import { Artifact, JsonValue } from './artifact';

/**
 * The Dataset artifact: images stored compactly as uint8 NHWC at native resolution (DESIGN.md, "stream,
 * never materialise"), plus optional regression targets (float32 [N, F], min-max scaled to [0, 1]) and
 * class labels (int32 [N]). Consumers decode one batch at a time with `imageBatch`.
 */
export interface DatasetMeta {
  [key: string]: JsonValue | undefined;
  name: string;
  /** Names of the target columns, e.g. ["shape", "scale", "orientation", "posX", "posY"]. */
  factors?: string[];
  /** Class names, index = label. */
  classes?: string[];
}

export interface DatasetView {
  count: number;
  /** [H, W, C] */
  imageShape: [number, number, number];
  images: Uint8Array;
  targets?: Float32Array;
  labels?: Int32Array;
  meta: DatasetMeta;
}

export function datasetArtifact(d: Omit<DatasetView, 'count'>): Artifact {
  const [h, w, c] = d.imageShape;
  const count = d.images.length / (h * w * c);
  const tensors: Artifact['tensors'] = { images: { dtype: 'uint8', shape: [count, h, w, c], data: d.images } };
  if (d.targets) tensors.targets = { dtype: 'float32', shape: [count, d.targets.length / count], data: d.targets };
  if (d.labels) tensors.labels = { dtype: 'int32', shape: [count], data: d.labels };
  return { type: 'Dataset', meta: d.meta as Artifact['meta'], tensors };
}

export function datasetView(a: Artifact): DatasetView {
  const images = a.tensors.images;
  if (a.type !== 'Dataset' || !images || images.dtype !== 'uint8' || images.shape.length !== 4) {
    throw new RtlabError('input', `expected a Dataset artifact with uint8 images [N,H,W,C], got ${a.type} with images ${images ? `[${images.shape}] ${images.dtype}` : 'missing'}`);
  }
  const [count, h, w, c] = images.shape;
  return {
    count, imageShape: [h, w, c], images: images.data as Uint8Array,
    targets: a.tensors.targets?.data as Float32Array | undefined,
    labels: a.tensors.labels?.data as Int32Array | undefined,
    meta: a.meta as DatasetMeta,
  };
}

/** Images [start, end) as float32 in [0, 1], NHWC. */
export function imageBatch(d: DatasetView, start: number, end: number): Float32Array {
  const size = d.imageShape[0] * d.imageShape[1] * d.imageShape[2];
  const out = new Float32Array((end - start) * size);
  const src = d.images.subarray(start * size, end * size);
  for (let i = 0; i < src.length; i++) out[i] = src[i] / 255;
  return out;
}

/** Images at arbitrary indices (a shuffled minibatch) as float32 in [0, 1], NHWC. */
export function imageRows(d: DatasetView, indices: ArrayLike<number>): Float32Array {
  const size = d.imageShape[0] * d.imageShape[1] * d.imageShape[2];
  const out = new Float32Array(indices.length * size);
  for (let r = 0; r < indices.length; r++) {
    const src = indices[r] * size;
    for (let i = 0; i < size; i++) out[r * size + i] = d.images[src + i] / 255;
  }
  return out;
}

/** One target column for samples [start, end). */
export function targetColumn(d: DatasetView, factor: string, start = 0, end = d.count): Float32Array {
  const names = d.meta.factors ?? [];
  const j = names.indexOf(factor);
  if (j < 0 || !d.targets) throw new RtlabError('input', `dataset ${d.meta.name} has no target "${factor}"; it has: ${names.join(', ') || '(none)'}`);
  const out = new Float32Array(end - start);
  for (let i = start; i < end; i++) out[i - start] = d.targets[i * names.length + j];
  return out;
}

export function labelsOf(d: DatasetView): Int32Array {
  if (!d.labels) throw new RtlabError('input', `dataset ${d.meta.name} has no class labels`);
  return d.labels;
}

/** [start, end) pairs covering 0..count in steps of batchSize. */
export function batchRanges(count: number, batchSize: number): [number, number][] {
  const out: [number, number][] = [];
  for (let s = 0; s < count; s += batchSize) out.push([s, Math.min(count, s + batchSize)]);
  return out;
}

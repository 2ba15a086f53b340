import { ImageView, PluginContext, RtlabError } from '@rtlab/sdk';

/** Params every file loader takes: a seeded subset, and how its images are presented to models. */
export interface LoaderParams {
  limit?: number;
  resize?: [number, number];
  grayscaleToRgb: boolean;
}

export const LOADER_PARAMS_SCHEMA = {
  limit: {
    type: 'integer',
    minimum: 1,
    description:
      'Keep this many samples, drawn without replacement from the node seed (kept in file order); default: all.',
  },
  resize: {
    type: 'array',
    items: { type: 'integer', minimum: 1 },
    minItems: 2,
    maxItems: 2,
    description:
      'Present images to models at [height, width], resized per batch (bilinear, antialiased when shrinking: torchvision Resize(antialias=True)); the stored images keep their resolution.',
  },
  grayscaleToRgb: {
    type: 'boolean',
    default: false,
    description: 'Present 1-channel images as RGB by copying the channel (for RGB networks).',
  },
} as const;

/** The per-batch view the params ask for. */
export function viewOf(p: LoaderParams): ImageView | undefined {
  if (!p.resize && !p.grayscaleToRgb) return undefined;
  return { ...(p.resize ? { resize: p.resize } : {}), ...(p.grayscaleToRgb ? { rgb: true } : {}) };
}

/** Sorted indices of the samples to keep out of `count` (all of them without a limit). */
export function subsetIndices(count: number, p: LoaderParams, ctx: PluginContext, what: string): Int32Array {
  if (p.limit === undefined) return Int32Array.from({ length: count }, (_, i) => i);
  if (p.limit > count)
    throw new RtlabError('input', `${what}: limit ${p.limit} exceeds the ${count} samples available`);
  return ctx.rng.permutation(count).subarray(0, p.limit).sort();
}

/** Rows `indices` of row-major [N, rowSize] bytes. */
export function pickRows(data: Uint8Array, rowSize: number, indices: Int32Array): Uint8Array {
  const out = new Uint8Array(indices.length * rowSize);
  indices.forEach((i, r) => out.set(data.subarray(i * rowSize, (i + 1) * rowSize), r * rowSize));
  return out;
}

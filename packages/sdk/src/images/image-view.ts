import { RtlabError } from '../errors/rtlab-error';
import { resizeBilinear } from './resize-bilinear';

/**
 * How a Dataset's stored uint8 images are presented to models, applied per batch on the way in (so a
 * dataset is never materialised at model resolution): bilinear resize, then grayscale -> RGB by
 * copying the channel. Kept in the Dataset's metadata.
 */
export type ImageView = {
  /** [height, width] the images are resized to. */
  resize?: [number, number];
  /** Copy a single channel to three. */
  rgb?: boolean;
};

/** [H, W, C] that images of `stored` shape have once viewed. */
export function viewedShape(stored: readonly [number, number, number], view: ImageView = {}): [number, number, number] {
  const [h, w, c] = stored;
  if (view.rgb && c !== 1 && c !== 3)
    throw new RtlabError('input', `grayscale -> RGB needs 1-channel images, these have ${c}`);
  const [outH, outW] = view.resize ?? [h, w];
  return [outH, outW, view.rgb ? 3 : c];
}

/** One image in [0, 1], HWC, with the view applied. */
export function applyView(
  pixels: Float32Array,
  stored: readonly [number, number, number],
  view: ImageView,
): Float32Array {
  const [outH, outW] = viewedShape(stored, view);
  const resized = resizeBilinear(pixels, stored, [outH, outW]);
  if (!view.rgb || stored[2] === 3) return resized;
  const out = new Float32Array(resized.length * 3);
  for (let i = 0; i < resized.length; i++) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = resized[i];
  return out;
}

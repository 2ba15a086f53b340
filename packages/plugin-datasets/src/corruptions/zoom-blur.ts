/**
 * Zoom blur as in Hendrycks and Dietterich's CIFAR-10-C / ImageNet-C: the mean of the image and its
 * centre crops zoomed back to full size, one per zoom factor. Arithmetic follows the reference in float32
 * (the image as float32 in [0, 1], each zoom cast to float32 and summed in float32), so bytes match it
 * up to float rounding of the last operation order.
 */

/** np.arange(start, stop, step) as numpy computes it: ceil((stop - start) / step) values start + i * ((start + step) - start). */
function arange(start: number, stop: number, step: number): number[] {
  const delta = start + step - start;
  return Array.from({ length: Math.ceil((stop - start) / step) }, (_, i) => start + i * delta);
}

/**
 * The zoom factors of severities 1-5: the reference's np.arange(1, end, 0.01) for end = 1.06, 1.11, 1.16,
 * 1.21, 1.26, so 7, 12, 16, 21 and 26 factors (float rounding puts 1.06 and 1.11 inside their ranges),
 * and 1.2500000000000002 rather than 1.25, whose zoomed crop is then 33 pixels, not 32: the reference
 * blurs with exactly these.
 */
export const ZOOM_FACTORS: readonly (readonly number[])[] = [1.06, 1.11, 1.16, 1.21, 1.26].map((end) =>
  arange(1, end, 0.01),
);

/** Python's round(): halves to even, as scipy's output sizes use it. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * scipy.ndimage.zoom(img, (z, z, 1), order=1) of an HWC float image: output size round(n * z) per
 * spatial axis, output index o sampling input coordinate o * (n - 1) / (out - 1) with linear
 * interpolation (corners aligned); values cast to float32.
 */
export function zoomLinear(
  img: Float32Array,
  [h, w, c]: [number, number, number],
  z: number,
): { data: Float32Array; shape: [number, number, number] } {
  const [oh, ow] = [roundHalfEven(h * z), roundHalfEven(w * z)];
  const taps = (n: number, out: number) =>
    Array.from({ length: out }, (_, o) => {
      const at = out > 1 ? o * ((n - 1) / (out - 1)) : 0;
      const i0 = Math.min(Math.floor(at), n - 1);
      return { i0, i1: Math.min(i0 + 1, n - 1), t: at - i0 };
    });
  const [ty, tx] = [taps(h, oh), taps(w, ow)];
  const data = new Float32Array(oh * ow * c);
  for (let y = 0; y < oh; y++) {
    const { i0: y0, i1: y1, t: v } = ty[y];
    for (let x = 0; x < ow; x++) {
      const { i0: x0, i1: x1, t: u } = tx[x];
      // the four neighbours' offsets: every output value of every zoom of every image passes here
      const a = (y0 * w + x0) * c;
      const b = (y0 * w + x1) * c;
      const d = (y1 * w + x0) * c;
      const e = (y1 * w + x1) * c;
      for (let k = 0; k < c; k++) {
        data[(y * ow + x) * c + k] =
          (1 - v) * ((1 - u) * img[a + k] + u * img[b + k]) + v * ((1 - u) * img[d + k] + u * img[e + k]);
      }
    }
  }
  return { data, shape: [oh, ow, c] };
}

/** The centred crop of ceil(n / z) per side, zoomed by z and trimmed back to the image's size. */
export function clippedZoom(img: Float32Array, shape: [number, number, number], z: number): Float32Array {
  const [h, w, c] = shape;
  const [ch, cw] = [Math.ceil(h / z), Math.ceil(w / z)];
  const [top, left] = [Math.floor((h - ch) / 2), Math.floor((w - cw) / 2)];
  const crop = new Float32Array(ch * cw * c);
  for (let y = 0; y < ch; y++)
    crop.set(img.subarray(((top + y) * w + left) * c, ((top + y) * w + left + cw) * c), y * cw * c);
  const zoomed = zoomLinear(crop, [ch, cw, c], z);
  const [oh, ow] = zoomed.shape;
  const [trimTop, trimLeft] = [Math.floor((oh - h) / 2), Math.floor((ow - w) / 2)];
  const out = new Float32Array(h * w * c);
  for (let y = 0; y < h; y++)
    out.set(
      zoomed.data.subarray(((trimTop + y) * ow + trimLeft) * c, ((trimTop + y) * ow + trimLeft + w) * c),
      y * w * c,
    );
  return out;
}

/** One uint8 HWC image zoom-blurred at a severity (1-5), stored as the reference stores it: np.uint8 truncates. */
export function zoomBlur(
  image: Uint8Array,
  shape: [number, number, number],
  severity: number,
  out: Uint8Array,
  offset: number,
): void {
  const zooms = ZOOM_FACTORS[severity - 1];
  const x = Float32Array.from(image, (v) => v / 255);
  const sum = new Float32Array(x.length);
  for (const z of zooms) {
    const zoomed = clippedZoom(x, shape, z);
    for (let i = 0; i < sum.length; i++) sum[i] += zoomed[i];
  }
  for (let i = 0; i < x.length; i++) {
    const mean = Math.fround(Math.fround(x[i] + sum[i]) / (zooms.length + 1));
    out[offset + i] = Math.trunc(Math.fround(Math.min(1, Math.max(0, mean)) * 255));
  }
}

/** Per output index along one axis: the first source index and the normalised weights from there on. */
interface AxisWeights {
  start: Int32Array;
  weights: Float32Array[];
}

const triangle = (x: number) => Math.max(0, 1 - Math.abs(x));

/**
 * Bilinear weights with PIL's antialiasing: when shrinking by a factor s > 1 the triangle filter is
 * stretched to support s, so every source pixel contributes; when enlarging it is ordinary bilinear
 * interpolation with half-pixel centres. Near the border the weights inside the image are renormalised.
 */
function axisWeights(inSize: number, outSize: number): AxisWeights {
  const scale = inSize / outSize;
  const support = Math.max(scale, 1);
  const start = new Int32Array(outSize);
  const weights: Float32Array[] = [];
  for (let i = 0; i < outSize; i++) {
    const center = (i + 0.5) * scale;
    const lo = Math.max(0, Math.floor(center - support + 0.5));
    const hi = Math.min(inSize, Math.floor(center + support + 0.5));
    const w = Float32Array.from({ length: hi - lo }, (_, k) => triangle((lo + k + 0.5 - center) / support));
    const sum = w.reduce((a, b) => a + b, 0);
    for (let k = 0; k < w.length; k++) w[k] /= sum;
    start[i] = lo;
    weights.push(w);
  }
  return { start, weights };
}

/**
 * Resizes one HWC image to [outH, outW, c] (separable: rows, then columns). Equals torchvision's
 * `Resize(antialias=True)` on tensors (PIL's BILINEAR, without its rounding to uint8); when enlarging,
 * also `F.interpolate(mode="bilinear", align_corners=False)`.
 * @example resizeBilinear(pixels, [28, 28, 1], [32, 32])
 */
export function resizeBilinear(
  src: Float32Array,
  [h, w, c]: readonly number[],
  [outH, outW]: readonly number[],
): Float32Array {
  if (h === outH && w === outW) return src;
  const across = axisWeights(w, outW);
  const down = axisWeights(h, outH);
  const rows = new Float32Array(h * outW * c);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < outW; x++) {
      const ws = across.weights[x];
      for (let ch = 0; ch < c; ch++) {
        let v = 0;
        for (let k = 0; k < ws.length; k++) v += ws[k] * src[(y * w + across.start[x] + k) * c + ch];
        rows[(y * outW + x) * c + ch] = v;
      }
    }
  }
  const out = new Float32Array(outH * outW * c);
  for (let y = 0; y < outH; y++) {
    const ws = down.weights[y];
    for (let k = 0; k < ws.length; k++) {
      const from = (down.start[y] + k) * outW * c;
      for (let i = 0; i < outW * c; i++) out[y * outW * c + i] += ws[k] * rows[from + i];
    }
  }
  return out;
}

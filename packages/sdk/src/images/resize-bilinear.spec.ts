import { resizeBilinear } from './resize-bilinear';

/** F.interpolate(bilinear, align_corners=False) on a 1-row, 1-channel image, written from its definition. */
function halfPixelUpsample(row: number[], outW: number): number[] {
  const scale = row.length / outW;
  return Array.from({ length: outW }, (_, i) => {
    const x = Math.max(0, (i + 0.5) * scale - 0.5);
    const x0 = Math.min(Math.floor(x), row.length - 1);
    const x1 = Math.min(x0 + 1, row.length - 1);
    return row[x0] + (row[x1] - row[x0]) * (x - x0);
  });
}

describe('resizeBilinear', () => {
  it('enlarging is bilinear interpolation with half-pixel centres', () => {
    const row = [0, 1, 5, 2, 7];
    const out = resizeBilinear(Float32Array.from(row), [1, 5, 1], [1, 13]);
    halfPixelUpsample(row, 13).forEach((v, i) => expect(out[i]).toBeCloseTo(v, 6));
  });

  it('shrinking by 2 averages 4 pixels with weights 1/8, 3/8, 3/8, 1/8 (antialiased), renormalised at the border', () => {
    const row = [3, 1, 4, 1, 5, 9, 2, 6];
    const out = resizeBilinear(Float32Array.from(row), [1, 8, 1], [1, 4]);
    expect(out[1]).toBeCloseTo((1 * 1 + 4 * 3 + 1 * 3 + 5 * 1) / 8, 6);
    expect(out[0]).toBeCloseTo((3 * 3 + 1 * 3 + 4 * 1) / 7, 6);
  });

  it('keeps constants, channels apart, and resizes rows and columns independently', () => {
    const img = new Float32Array(6 * 4 * 2);
    for (let i = 0; i < img.length; i++) img[i] = i % 2 ? 0.25 : 0.75;
    const out = resizeBilinear(img, [6, 4, 2], [9, 3]);
    expect(out.length).toBe(9 * 3 * 2);
    out.forEach((v, i) => expect(v).toBeCloseTo(i % 2 ? 0.25 : 0.75, 6));
  });
});

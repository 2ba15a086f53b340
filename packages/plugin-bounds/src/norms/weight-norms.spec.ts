import { spectralNorm, weightNorms } from './weight-norms';

describe('weightNorms', () => {
  it('computes the norms of docs/theory.md on hand-checked matrices', () => {
    expect(weightNorms(Float32Array.from([3, 4, 0, 0]), 2, 2)).toEqual({
      inf: 5,
      spectral: expect.closeTo(5, 10),
      frobenius: 5,
      one: 5,
    });
    const d = weightNorms(Float32Array.from([1, 0, 0, 2]), 2, 2);
    expect(d).toEqual({ inf: 2, spectral: expect.closeTo(2, 10), frobenius: expect.closeTo(Math.sqrt(5), 10), one: 3 });
  });

  it('matches the closed-form largest singular value of a 2x3 matrix', () => {
    // W W^T = [[a, b], [b, c]]: lambda_max = (a + c)/2 + sqrt(((a - c)/2)^2 + b^2)
    const W = [1, 2, 3, -1, 0.5, 2];
    const a = 1 + 4 + 9,
      c = 1 + 0.25 + 4,
      b = -1 + 1 + 6;
    expect(spectralNorm(Float32Array.from(W), 2, 3)).toBeCloseTo(
      Math.sqrt((a + c) / 2 + Math.sqrt(((a - c) / 2) ** 2 + b * b)),
      5,
    );
  });

  it('orders the norms as theory says: inf <= spectral <= frobenius <= one', () => {
    const W = Float32Array.from({ length: 10 * 7 }, (_, i) => Math.sin(i * 1.7));
    const n = weightNorms(W, 10, 7);
    expect(n.inf).toBeLessThanOrEqual(n.spectral + 1e-9);
    expect(n.spectral).toBeLessThanOrEqual(n.frobenius + 1e-9);
    expect(n.frobenius).toBeLessThanOrEqual(n.one + 1e-9);
  });
});

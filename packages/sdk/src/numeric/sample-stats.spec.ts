import { maximum, mean, standardDeviation } from './sample-stats';

describe('sample statistics', () => {
  it('agree with the definitions on a small sample', () => {
    const v = Float32Array.of(1, 2, 4, 9);
    expect(mean(v)).toBe(4);
    expect(standardDeviation(v)).toBeCloseTo(Math.sqrt((9 + 4 + 0 + 25) / 4), 12);
    expect(maximum(v)).toBe(9);
  });

  it('handle no samples', () => {
    expect(mean([])).toBe(0);
    expect(standardDeviation([])).toBe(0);
    expect(maximum([])).toBe(-Infinity);
  });

  it('handle more samples than a spread into Math.max can take', () => {
    const v = new Float32Array(1_000_000).fill(1);
    v[777_777] = 5;
    expect(() => Math.max(...v)).toThrow(RangeError);
    expect(maximum(v)).toBe(5);
    expect(mean(v)).toBeCloseTo(1 + 4 / 1_000_000, 12);
  });
});

import { margins } from './margins';

describe('margins', () => {
  it('is min over j != y of (f_y - f_j) / ||w_y - w_j||, negative when misclassified', () => {
    const W = Float32Array.from([1, 0, 0, 1, -1, 0]);
    const logits = Float32Array.from([2, 1, 0, 2, 1, 0]);
    const m = margins(logits, Int32Array.from([0, 1]), W, 3, 2);
    expect(m[0]).toBeCloseTo(Math.min(1 / Math.SQRT2, 2 / 2), 12);
    expect(m[1]).toBeCloseTo(Math.min(-1 / Math.SQRT2, 1 / Math.SQRT2), 12);
  });
});

/**
 * Theorem 2's per-sample margin of a linear head: min_{j != y} (f_y(x) - f_j(x)) / ||w_y - w_j||_2,
 * with logits f(x) = W g(x) + b (bias included), W [k, m] row-major.
 */
export function margins(logits: Float32Array, labels: Int32Array, W: Float32Array, k: number, m: number): Float64Array {
  const rowGap = (a: number, b: number) => {
    let s = 0;
    for (let i = 0; i < m; i++) s += (W[a * m + i] - W[b * m + i]) ** 2;
    return Math.sqrt(s);
  };
  const gaps = Array.from({ length: k }, (_, a) => Array.from({ length: k }, (_, b) => rowGap(a, b)));
  return Float64Array.from(labels, (y, n) => {
    let best = Infinity;
    for (let j = 0; j < k; j++) {
      if (j !== y) best = Math.min(best, (logits[n * k + y] - logits[n * k + j]) / gaps[y][j]);
    }
    return best;
  });
}

/**
 * AS_i's upper bound from elementwise bounds l <= g(x') <= u over the ball:
 * sqrt(sum_j max(u_j - g_j(x), g_j(x) - l_j)^2), per sample, for N rows of m features.
 */
export function asUpperBound(lower: Float32Array, upper: Float32Array, clean: Float32Array, m: number): Float32Array {
  const n = clean.length / m;
  return Float32Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let j = i * m; j < (i + 1) * m; j++) s += Math.max(upper[j] - clean[j], clean[j] - lower[j], 0) ** 2;
    return Math.sqrt(s);
  });
}

/** ||W|| for a head W [k, m] (rows w_j), as docs/theory.md defines them; the bias never enters. */
export interface WeightNorms {
  /** q = inf: max_j ||w_j||_2 */
  inf: number;
  /** q = 2: spectral norm sigma_max(W) */
  spectral: number;
  frobenius: number;
  /** q = 1: sum_j ||w_j||_2 */
  one: number;
}

export function rowNorms(w: Float32Array, k: number, m: number): number[] {
  return Array.from({ length: k }, (_, j) => Math.hypot(...w.subarray(j * m, (j + 1) * m)));
}

/** sigma_max(W) = sqrt(lambda_max(W W^T)), by power iteration on the k x k Gram matrix (in float64). */
export function spectralNorm(w: Float32Array, k: number, m: number): number {
  const gram = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += w[a * m + i] * w[b * m + i];
      gram[a * k + b] = gram[b * k + a] = s;
    }
  }
  let v = Float64Array.from({ length: k }, (_, i) => 1 + i / k);
  let lambda = 0;
  for (let it = 0; it < 10000; it++) {
    const next = new Float64Array(k);
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) next[a] += gram[a * k + b] * v[b];
    const norm = Math.hypot(...next);
    if (norm === 0) return 0;
    const converged = Math.abs(norm - lambda) <= 1e-13 * norm;
    lambda = norm;
    v = next.map((x) => x / norm);
    if (converged) break;
  }
  return Math.sqrt(lambda);
}

export function weightNorms(w: Float32Array, k: number, m: number): WeightNorms {
  const rows = rowNorms(w, k, m);
  return {
    inf: Math.max(...rows),
    spectral: spectralNorm(w, k, m),
    frobenius: Math.hypot(...rows),
    one: rows.reduce((a, b) => a + b, 0),
  };
}

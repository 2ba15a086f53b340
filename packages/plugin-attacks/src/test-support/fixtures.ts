import { Artifact, datasetArtifact, SeededRng } from '@rtlab/sdk';

/** N images of h x w x 1, every pixel 128/255 (about 0.5: small balls stay inside [0, 1]), with targets. */
export function flatDataset(n: number, h: number, w: number, targets: number[] = []): Artifact {
  return datasetArtifact({
    images: new Uint8Array(n * h * w).fill(128),
    imageShape: [h, w, 1],
    targets: Float32Array.from({ length: n }, (_, i) => targets[i] ?? 0.25),
    labels: new Int32Array(n),
    meta: { name: 'flat', factors: ['y'], classes: ['a', 'b'] },
  });
}

/** A d x m matrix with entries from a seeded generator. */
export function randomMatrix(d: number, m: number, seed: number): number[][] {
  const rng = new SeededRng(seed);
  return Array.from({ length: d }, () => Array.from({ length: m }, () => rng.normal()));
}

/** Largest singular value by power iteration on A^T A in float64 (independent of the code under test). */
export function sigmaMax(A: number[][]): number {
  const m = A[0].length;
  let v = Array.from({ length: m }, (_, i) => 1 + i);
  let s = 0;
  for (let it = 0; it < 2000; it++) {
    const Av = A.map((row) => row.reduce((acc, a, j) => acc + a * v[j], 0));
    const AtAv = Array.from({ length: m }, (_, j) => A.reduce((acc, row, i) => acc + row[j] * Av[i], 0));
    const n = Math.hypot(...AtAv);
    v = AtAv.map((x) => x / n);
    s = Math.sqrt(n);
  }
  return s;
}

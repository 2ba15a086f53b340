import { Artifact, datasetArtifact, HEAD_BIAS, HEAD_WEIGHT } from '@rtlab/sdk';

/** N flat 4x4 images (pixels 128/255) with regression targets y. */
export function flatDataset(n: number): Artifact {
  return datasetArtifact({
    images: new Uint8Array(n * 16).fill(128),
    imageShape: [4, 4, 1],
    targets: Float32Array.from({ length: n }, (_, i) => (i % 5) / 4),
    meta: { name: 'flat', factors: ['y'] },
  });
}

/** A hand-made AttackResult. */
export function attackResult(
  objective: string,
  lossClean: number[],
  lossAdv: number[],
  repDistance: number[],
): Artifact {
  const f = (v: number[]) => ({ dtype: 'float32' as const, shape: [v.length], data: Float32Array.from(v) });
  return {
    type: 'AttackResult',
    meta: { objective, eps: 0.1, attack: 'pgd-l2' },
    tensors: { lossClean: f(lossClean), lossAdv: f(lossAdv), repDistance: f(repDistance) },
  };
}

export function headModel(W: number[][]): Artifact {
  return {
    type: 'Model',
    meta: { architecture: 'linear', featureDim: W[0].length, outputs: W.length, inputShape: [4, 4, 1] },
    tensors: {
      [HEAD_WEIGHT]: { dtype: 'float32', shape: [W.length, W[0].length], data: Float32Array.from(W.flat()) },
      [HEAD_BIAS]: { dtype: 'float32', shape: [W.length], data: new Float32Array(W.length) },
    },
  };
}

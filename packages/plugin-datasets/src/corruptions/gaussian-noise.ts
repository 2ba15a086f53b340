import { SeededRng } from '@rtlab/sdk';

/** CIFAR-10-C's noise scales of severities 1-5 (images in [0, 1]). */
export const NOISE_SCALES = [0.04, 0.06, 0.08, 0.09, 0.1] as const;

/**
 * Gaussian noise as in CIFAR-10-C: clip(x + N(0, c^2), 0, 1) per pixel, x in [0, 1], stored as the
 * reference stores it (np.uint8 truncates). The normals come from `rng`, seeded per sample.
 */
export function gaussianNoise(
  image: Uint8Array,
  severity: number,
  rng: SeededRng,
  out: Uint8Array,
  offset: number,
): void {
  const c = NOISE_SCALES[severity - 1];
  for (let i = 0; i < image.length; i++)
    out[offset + i] = Math.trunc(Math.min(1, Math.max(0, image[i] / 255 + c * rng.normal())) * 255);
}

import { sizeOf } from '@rtlab/sdk';
/**
 * The dSprites factor grid (Matthey et al. 2017): shape 3 x scale 6 x orientation 40 x posX 32 x posY 32
 * = 737,280 combinations, indexed in that (C) order, the row order of the official .npz.
 */
export const FACTORS = ['shape', 'scale', 'orientation', 'posX', 'posY'] as const;
export const FACTOR_SIZES = [3, 6, 40, 32, 32] as const;
export const SHAPES = ['square', 'ellipse', 'heart'] as const;
export const COMBINATIONS = sizeOf(FACTOR_SIZES);
export const IMAGE_SIZE = 64;

export interface FactorValues {
  shape: number;
  scale: number;
  orientation: number;
  posX: number;
  posY: number;
}

/** Factor class indices of a combination index. */
export function factorClasses(index: number): number[] {
  const out = new Array<number>(FACTOR_SIZES.length);
  for (let f = FACTOR_SIZES.length - 1; f >= 0; f--) {
    out[f] = index % FACTOR_SIZES[f];
    index = Math.floor(index / FACTOR_SIZES[f]);
  }
  return out;
}

/** Factor values: scale in 0.5..1, orientation in [0, 2pi) (40 steps), positions in [0, 1]. */
export function factorValues(classes: number[]): FactorValues {
  return {
    shape: classes[0],
    scale: 0.5 + (0.5 * classes[1]) / 5,
    orientation: (2 * Math.PI * classes[2]) / 40,
    posX: classes[3] / 31,
    posY: classes[4] / 31,
  };
}

/** Regression targets min-max scaled to [0, 1]: class index / (levels - 1) (every grid is evenly spaced). */
export function scaledTargets(classes: number[]): number[] {
  return classes.map((c, f) => c / (FACTOR_SIZES[f] - 1));
}

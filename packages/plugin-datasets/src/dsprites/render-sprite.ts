import { FactorValues, IMAGE_SIZE } from './dsprites-factors';

const BASE_RADIUS = 9;
const MARGIN = 13;

/** Whether local coordinates (u, v), in units of the sprite's radius, are inside the shape. */
function inside(shape: number, u: number, v: number): boolean {
  if (shape === 0) return Math.abs(u) <= 1 && Math.abs(v) <= 1;
  if (shape === 1) return u * u + 4 * v * v <= 1;
  const x = u * 1.15;
  const y = -v * 1.15 + 0.3;
  const a = x * x + y * y - 1;
  return a * a * a - x * x * y * y * y <= 0;
}

/**
 * Renders one binary 64x64 sprite into `out` (row-major, 0 or 255), sampling pixel centres.
 * Positions map to centres 13..50 px so a rotated square (half-diagonal 12.7 px at scale 1) stays inside.
 */
export function renderSprite(f: FactorValues, out: Uint8Array, offset = 0): void {
  const r = BASE_RADIUS * f.scale;
  const cx = MARGIN + f.posX * (IMAGE_SIZE - 1 - 2 * MARGIN);
  const cy = MARGIN + f.posY * (IMAGE_SIZE - 1 - 2 * MARGIN);
  const cos = Math.cos(f.orientation);
  const sin = Math.sin(f.orientation);
  for (let py = 0; py < IMAGE_SIZE; py++) {
    for (let px = 0; px < IMAGE_SIZE; px++) {
      const dx = px - cx;
      const dy = py - cy;
      const u = (dx * cos + dy * sin) / r;
      const v = (-dx * sin + dy * cos) / r;
      out[offset + py * IMAGE_SIZE + px] = inside(f.shape, u, v) ? 255 : 0;
    }
  }
}

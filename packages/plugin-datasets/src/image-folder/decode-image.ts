import { resizeBilinear, RtlabError } from '@rtlab/sdk';
import * as fs from 'node:fs';
import * as jpeg from 'jpeg-js';

export type Fit = 'stretch' | 'center-crop';

/** Decodes a JPEG to RGB bytes, HWC (jpeg-js: pure JavaScript; its IDCT may differ from libjpeg's by a unit in a few pixels). */
export function decodeJpeg(file: string): { width: number; height: number; rgb: Uint8Array } {
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = jpeg.decode(fs.readFileSync(file), { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 1024 });
  } catch (e) {
    throw new RtlabError('input', `${file}: cannot decode as JPEG (${(e as Error).message ?? e})`);
  }
  const { width, height, data } = decoded;
  if (data.length !== width * height * 3) throw new RtlabError('input', `${file}: decoded ${data.length} bytes for ${width}x${height} RGB`);
  return { width, height, rgb: data };
}

/**
 * The [top, left, height, width] window kept: all of it ("stretch"), or the centred window of the
 * target's aspect ratio, `crop` of the largest such window on each side.
 */
function window(h: number, w: number, [outH, outW]: [number, number], fit: Fit, crop: number): [number, number, number, number] {
  if (fit === 'stretch') return [0, 0, h, w];
  const scale = Math.min(h / outH, w / outW) * crop;
  const [ch, cw] = [Math.round(outH * scale), Math.round(outW * scale)];
  return [Math.floor((h - ch) / 2), Math.floor((w - cw) / 2), ch, cw];
}

/**
 * One JPEG as uint8 RGB [outH, outW, 3]: resized with antialiased bilinear ("stretch"), or first cropped
 * to the target's aspect ratio around the centre ("center-crop": torchvision's Resize(shorter side) +
 * CenterCrop for a square target; crop 0.875 with size 224 is Resize(256) + CenterCrop(224)), values
 * rounded to bytes.
 */
export function loadImage(file: string, size: [number, number], fit: Fit, crop: number, out: Uint8Array, offset: number): void {
  const { width, height, rgb } = decodeJpeg(file);
  const [top, left, h, w] = window(height, width, size, fit, crop);
  const pixels = new Float32Array(h * w * 3);
  for (let y = 0; y < h; y++) {
    for (let i = 0; i < w * 3; i++) pixels[y * w * 3 + i] = rgb[((top + y) * width + left) * 3 + i];
  }
  const resized = resizeBilinear(pixels, [h, w, 3], size);
  for (let i = 0; i < resized.length; i++) out[offset + i] = Math.min(255, Math.max(0, Math.round(resized[i])));
}

import { resizeBilinear, RtlabError } from '@rtlab/sdk';
import * as fs from 'node:fs';
import sharp from 'sharp';

// One decode at a time per thread (rtlab parallelises over worker threads) and no file cache; loaded
// on the main thread too (the plugin registry imports this module there), as sharp needs with workers.
sharp.cache(false);
sharp.concurrency(1);

export type Fit = 'stretch' | 'center-crop';

/**
 * Decodes a JPEG to RGB bytes, HWC, as PIL and torchvision do: libvips' libjpeg-turbo family decoder
 * (sharp; its binaries come inside its npm packages) with the library's default accurate IDCT and
 * smooth chroma upsampling, which the tests check byte for byte against PIL on 4:2:0, 4:2:2, 4:4:4 and
 * grayscale files. CMYK JPEGs (a few dozen in ImageNet) are converted through a colour profile here but
 * arithmetically by PIL, so they differ.
 */
export async function decodeJpeg(file: string): Promise<{ width: number; height: number; rgb: Uint8Array }> {
  const bytes = await fs.promises.readFile(file);
  if (bytes.length < 3 || bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff)
    throw new RtlabError('input', `${file}: cannot decode as JPEG (no JPEG start marker)`);
  // ignoreIcc: PIL's convert('RGB') ignores embedded colour profiles, so rtlab does too.
  const { data, info } = await sharp(bytes, { failOn: 'error', ignoreIcc: true })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true })
    .catch((e: Error) => {
      throw new RtlabError('input', `${file}: cannot decode as JPEG (${e.message ?? e})`);
    });
  if (info.channels !== 3 || data.length !== info.width * info.height * 3)
    throw new RtlabError(
      'input',
      `${file}: decoded ${info.channels} channels, ${data.length} bytes for ${info.width}x${info.height}; expected RGB`,
    );
  return { width: info.width, height: info.height, rgb: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/**
 * The [top, left, height, width] window kept: all of it ("stretch"), or the centred window of the
 * target's aspect ratio, `crop` of the largest such window on each side.
 */
function window(
  h: number,
  w: number,
  [outH, outW]: [number, number],
  fit: Fit,
  crop: number,
): [number, number, number, number] {
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
export async function loadImage(
  file: string,
  size: [number, number],
  fit: Fit,
  crop: number,
  out: Uint8Array,
  offset: number,
): Promise<void> {
  const { width, height, rgb } = await decodeJpeg(file);
  const [top, left, h, w] = window(height, width, size, fit, crop);
  const pixels = new Float32Array(h * w * 3);
  for (let y = 0; y < h; y++) {
    for (let i = 0; i < w * 3; i++) pixels[y * w * 3 + i] = rgb[((top + y) * width + left) * 3 + i];
  }
  const resized = resizeBilinear(pixels, [h, w, 3], size);
  for (let i = 0; i < resized.length; i++) out[offset + i] = Math.min(255, Math.max(0, Math.round(resized[i])));
}

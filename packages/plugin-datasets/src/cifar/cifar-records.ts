import { RtlabError } from '@rtlab/sdk';

export const CIFAR_PIXELS = 32 * 32;

/**
 * Records of the CIFAR binary version: `labelBytes` label bytes (CIFAR-100: coarse, fine), then
 * 3072 image bytes, channel-major (1024 R, 1024 G, 1024 B), rows top to bottom.
 */
export function recordCount(bytes: Uint8Array, labelBytes: number, file: string): number {
  const size = labelBytes + 3 * CIFAR_PIXELS;
  if (bytes.length === 0 || bytes.length % size !== 0) {
    throw new RtlabError(
      'input',
      `${file}: ${bytes.length} bytes is not a whole number of ${size}-byte records: truncated, or not the CIFAR binary version`,
    );
  }
  return bytes.length / size;
}

/** Record `r`'s label at byte `labelIndex` and its image as HWC into `out` at `offset`. */
export function decodeRecord(
  bytes: Uint8Array,
  labelBytes: number,
  r: number,
  labelIndex: number,
  out: Uint8Array,
  offset: number,
): number {
  const base = r * (labelBytes + 3 * CIFAR_PIXELS);
  const image = base + labelBytes;
  for (let p = 0; p < CIFAR_PIXELS; p++) {
    for (let c = 0; c < 3; c++) out[offset + 3 * p + c] = bytes[image + c * CIFAR_PIXELS + p];
  }
  return bytes[base + labelIndex];
}

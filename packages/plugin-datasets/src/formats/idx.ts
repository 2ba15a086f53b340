import { RtlabError, sizeOf } from '@rtlab/sdk';

/** The size an IDX header declares: header plus the product of its dimensions (undefined if not IDX). */
export function idxDeclaredSize(head: Uint8Array): number | undefined {
  if (head.length < 4 || head[0] !== 0 || head[1] !== 0 || head.length < 4 + 4 * head[3]) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  return 4 + 4 * head[3] + sizeOf(Array.from({ length: head[3] }, (_, i) => view.getUint32(4 + 4 * i)));
}

/**
 * An IDX file (the MNIST family's format): bytes 0-1 zero, byte 2 the element type (0x08 = ubyte),
 * byte 3 the number of dimensions, then each dimension as a big-endian uint32, then the data.
 */
export function parseIdx(bytes: Uint8Array, file: string, expectedDims: number): { shape: number[]; data: Uint8Array } {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0)
    throw new RtlabError('input', `${file}: not an IDX file (bad magic number)`);
  if (bytes[2] !== 0x08)
    throw new RtlabError(
      'input',
      `${file}: IDX element type 0x${bytes[2].toString(16)}, expected 0x08 (unsigned bytes)`,
    );
  if (bytes[3] !== expectedDims)
    throw new RtlabError('input', `${file}: IDX with ${bytes[3]} dimensions, expected ${expectedDims}`);
  const header = 4 + 4 * expectedDims;
  if (bytes.length < header) throw new RtlabError('input', `${file}: truncated IDX header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, header);
  const shape = Array.from({ length: expectedDims }, (_, i) => view.getUint32(4 + 4 * i));
  const size = sizeOf(shape);
  if (bytes.length !== header + size) {
    throw new RtlabError(
      'input',
      `${file}: IDX shape [${shape}] needs ${header + size} bytes, the file has ${bytes.length}: truncated or corrupt`,
    );
  }
  return { shape, data: bytes.subarray(header) };
}

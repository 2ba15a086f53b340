import { RtlabError, sizeOf } from '@rtlab/sdk';

/** The header of a NumPy .npy file (format versions 1-3). */
export interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  /** Bytes before the array data. */
  dataOffset: number;
  itemSize: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ITEM_SIZES: Record<string, number> = { '|u1': 1, '<u1': 1, '|i1': 1, '<i4': 4, '<i8': 8, '<f4': 4, '<f8': 8 };

/** Parses the header; undefined while `buf` is too short to hold it. */
export function parseNpyHeader(buf: Uint8Array, source: string): NpyHeader | undefined {
  if (buf.length < 10) return undefined;
  if (!MAGIC.every((b, i) => buf[i] === b))
    throw new RtlabError('input', `${source}: not a .npy array (bad magic number)`);
  const major = buf[6];
  const lenBytes = major === 1 ? 2 : 4;
  if (buf.length < 8 + lenBytes) return undefined;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLength = lenBytes === 2 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = 8 + lenBytes + headerLength;
  if (buf.length < dataOffset) return undefined;
  const text = Buffer.from(buf.subarray(8 + lenBytes, dataOffset)).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(text)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(text)?.[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(text)?.[1];
  if (!descr || !fortran || shape === undefined)
    throw new RtlabError('input', `${source}: malformed .npy header ${JSON.stringify(text.trim())}`);
  if (!(descr in ITEM_SIZES))
    throw new RtlabError(
      'input',
      `${source}: unsupported dtype ${descr} (supported: ${Object.keys(ITEM_SIZES).join(', ')})`,
    );
  if (fortran === 'True') throw new RtlabError('input', `${source}: Fortran-ordered arrays are not supported`);
  return {
    descr,
    fortranOrder: false,
    shape: shape
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map(Number),
    dataOffset,
    itemSize: ITEM_SIZES[descr],
  };
}

export function rowBytes(h: NpyHeader): number {
  return sizeOf(h.shape.slice(1)) * h.itemSize;
}

/** Reads element i of a little-endian array of the header's dtype as a JS number. */
export function readElement(h: NpyHeader, bytes: Uint8Array, i: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = i * h.itemSize;
  switch (h.descr) {
    case '<f8':
      return view.getFloat64(at, true);
    case '<f4':
      return view.getFloat32(at, true);
    case '<i8':
      return Number(view.getBigInt64(at, true));
    case '<i4':
      return view.getInt32(at, true);
    case '|i1':
      return view.getInt8(at);
    default:
      return bytes[at];
  }
}

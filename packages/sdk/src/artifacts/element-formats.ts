import { RtlabError } from '../errors/rtlab-error';
import { DType, TypedArray } from './artifact';
import { allocate } from './host-tensor';

/**
 * Element formats of tensors in files rtlab reads (safetensors names; PyTorch storages map onto them),
 * with how each widens to a stored dtype: floats to float32, integers to int32.
 */
export interface ElementFormat {
  bytes: number;
  dtype: DType;
  /** The element at a byte offset, as a number of the widened dtype. */
  read(view: DataView, offset: number): number;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

const scratch = new DataView(new ArrayBuffer(4));
function bfloat16ToFloat(b: number): number {
  scratch.setUint32(0, b << 16);
  return scratch.getFloat32(0);
}

function int64ToInt32(view: DataView, o: number): number {
  const v = view.getBigInt64(o, true);
  if (v > 2147483647n || v < -2147483648n) throw new RtlabError('input', `int64 value ${v} does not fit int32`);
  return Number(v);
}

/** How checkpoint element types (safetensors names) are read and widened: F64, F16 and BF16 become float32, I64 int32. */
export const ELEMENT_FORMATS: Record<string, ElementFormat> = {
  F32: { bytes: 4, dtype: 'float32', read: (v, o) => v.getFloat32(o, true) },
  F64: { bytes: 8, dtype: 'float32', read: (v, o) => v.getFloat64(o, true) },
  F16: { bytes: 2, dtype: 'float32', read: (v, o) => halfToFloat(v.getUint16(o, true)) },
  BF16: { bytes: 2, dtype: 'float32', read: (v, o) => bfloat16ToFloat(v.getUint16(o, true)) },
  I64: { bytes: 8, dtype: 'int32', read: int64ToInt32 },
  I32: { bytes: 4, dtype: 'int32', read: (v, o) => v.getInt32(o, true) },
  I16: { bytes: 2, dtype: 'int32', read: (v, o) => v.getInt16(o, true) },
  I8: { bytes: 1, dtype: 'int32', read: (v, o) => v.getInt8(o) },
  U8: { bytes: 1, dtype: 'uint8', read: (v, o) => v.getUint8(o) },
  BOOL: { bytes: 1, dtype: 'uint8', read: (v, o) => v.getUint8(o) },
};

/** Decodes `count` little-endian elements of `format` starting at `bytes[0]` into the format's stored dtype. */
export function decodeElements(bytes: Uint8Array, format: string, count: number): TypedArray {
  const f = ELEMENT_FORMATS[format];
  if (!f)
    throw new RtlabError(
      'input',
      `unsupported element type ${format}; supported: ${Object.keys(ELEMENT_FORMATS).join(', ')}`,
    );
  if (bytes.length < count * f.bytes)
    throw new RtlabError('input', `${count} ${format} elements need ${count * f.bytes} bytes, got ${bytes.length}`);
  if (format === 'F32' || format === 'U8' || format === 'I32') {
    const copy = new Uint8Array(count * f.bytes);
    copy.set(bytes.subarray(0, copy.length));
    return format === 'F32' ? new Float32Array(copy.buffer) : format === 'I32' ? new Int32Array(copy.buffer) : copy;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, count * f.bytes);
  const out = allocate(f.dtype, count);
  for (let i = 0; i < count; i++) out[i] = f.read(view, i * f.bytes);
  return out;
}

import { RtlabError } from '../errors/rtlab-error';
import { DType, HostTensor } from '../artifacts/artifact';
import { decodeElements, ELEMENT_FORMATS } from '../artifacts/element-formats';
import { sizeOf } from '../artifacts/host-tensor';

/**
 * The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian header
 * length N, N bytes of JSON header { name: { dtype, shape, data_offsets: [begin, end] }, __metadata__ },
 * then the packed little-endian tensor bytes. Offsets are relative to the end of the header.
 * rtlab writes F32, I32 and U8; it reads the formats of ELEMENT_FORMATS too (F16, BF16, F64 widen to
 * float32, I64 and smaller integers to int32), as checkpoints use them.
 */
const TO_FORMAT: Record<DType, string> = { float32: 'F32', int32: 'I32', uint8: 'U8' };
const MAX_HEADER_BYTES = 100_000_000;

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** The header bytes (8-byte length prefix included, padded with spaces to 8-byte alignment) and the tensor order. */
export function encodeHeader(tensors: Record<string, HostTensor>, metadata: Record<string, string> = {}): Buffer {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of Object.keys(tensors).sort()) {
    const t = tensors[name];
    const bytes = t.data.byteLength;
    Object.defineProperty(header, name, {
      value: { dtype: TO_FORMAT[t.dtype], shape: t.shape, data_offsets: [offset, offset + bytes] },
      enumerable: true,
    });
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const out = Buffer.alloc(8 + Buffer.byteLength(json));
  out.writeBigUInt64LE(BigInt(Buffer.byteLength(json)), 0);
  out.write(json, 8);
  return out;
}

/** The byte chunks of a safetensors file, in order; write them one after another. */
export function safetensorsChunks(tensors: Record<string, HostTensor>, metadata?: Record<string, string>): Buffer[] {
  const names = Object.keys(tensors).sort();
  return [
    encodeHeader(tensors, metadata),
    ...names.map((n) => Buffer.from(tensors[n].data.buffer, tensors[n].data.byteOffset, tensors[n].data.byteLength)),
  ];
}

/** Tensors (and string metadata) as one safetensors buffer. */
export function encodeSafetensors(tensors: Record<string, HostTensor>, metadata?: Record<string, string>): Buffer {
  return Buffer.concat(safetensorsChunks(tensors, metadata));
}

function corrupt(source: string, why: string): RtlabError {
  return new RtlabError('input', `${source}: not a valid safetensors file: ${why}`);
}

function readHeader(buf: Buffer, source: string): { header: Record<string, unknown>; dataStart: number } {
  if (buf.length < 8) throw corrupt(source, `file has ${buf.length} bytes, shorter than the 8-byte header length`);
  const n = buf.readBigUInt64LE(0);
  if (n > BigInt(buf.length - 8))
    throw corrupt(source, `header length ${n} exceeds the file (${buf.length} bytes): truncated or not safetensors`);
  if (n > BigInt(MAX_HEADER_BYTES))
    throw corrupt(source, `header length ${n} is over the ${MAX_HEADER_BYTES}-byte limit on safetensors headers`);
  const text = buf.subarray(8, 8 + Number(n)).toString('utf8');
  if (!text.startsWith('{')) throw corrupt(source, 'header does not start with "{"');
  try {
    return { header: JSON.parse(text) as Record<string, unknown>, dataStart: 8 + Number(n) };
  } catch (e) {
    throw corrupt(source, `header is not JSON (${(e as Error).message})`);
  }
}

function checkEntry(name: string, entry: HeaderEntry, source: string): string {
  const format = ELEMENT_FORMATS[entry?.dtype] ? entry.dtype : undefined;
  if (!format)
    throw corrupt(
      source,
      `tensor "${name}" has unsupported dtype ${JSON.stringify(entry?.dtype)} (${Object.keys(ELEMENT_FORMATS).join(', ')} are)`,
    );
  const [begin, end] = entry.data_offsets ?? [];
  if (!Array.isArray(entry.shape) || !entry.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw corrupt(source, `tensor "${name}" has an invalid shape`);
  }
  if (
    !Number.isInteger(begin) ||
    !Number.isInteger(end) ||
    end - begin !== sizeOf(entry.shape) * ELEMENT_FORMATS[format].bytes
  ) {
    throw corrupt(
      source,
      `tensor "${name}": data_offsets [${begin}, ${end}] do not match shape [${entry.shape}] of ${format}`,
    );
  }
  return format;
}

/**
 * The tensors' shapes from a safetensors header alone (the file's first 8 + n bytes), checked as a
 * whole file's would be: what a reader needs to plan work on tensors it does not load.
 */
export function decodeSafetensorsShapes(head: Buffer, source = 'safetensors'): Record<string, number[]> {
  const { header } = readHeader(head, source);
  const entries = Object.entries(header).filter(([k]) => k !== '__metadata__') as [string, HeaderEntry][];
  const shapes: Record<string, number[]> = {};
  for (const [name, e] of entries) {
    checkEntry(name, e, source);
    Object.defineProperty(shapes, name, { value: e.shape, enumerable: true });
  }
  return shapes;
}

/**
 * Parses a whole safetensors file, rejecting truncated, overlapping or trailing data.
 * @example const { tensors } = decodeSafetensors(fs.readFileSync('model.safetensors'), 'model.safetensors');
 */
export function decodeSafetensors(
  buf: Buffer,
  source = 'safetensors',
): { tensors: Record<string, HostTensor>; metadata: Record<string, string> } {
  const { header, dataStart } = readHeader(buf, source);
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  const entries = Object.entries(header).filter(([k]) => k !== '__metadata__') as [string, HeaderEntry][];
  const spans = entries
    .map(([name, e]) => ({ name, format: checkEntry(name, e, source), e }))
    .sort((a, b) => a.e.data_offsets[0] - b.e.data_offsets[0]);
  let expected = 0;
  const tensors: Record<string, HostTensor> = {};
  for (const { name, format, e } of spans) {
    const [begin, end] = e.data_offsets;
    if (begin !== expected)
      throw corrupt(source, `tensor "${name}" starts at ${begin}, expected ${expected} (gap or overlap)`);
    if (dataStart + end > buf.length)
      throw corrupt(source, `tensor "${name}" ends past the end of the file: truncated`);
    const tensor = {
      dtype: ELEMENT_FORMATS[format].dtype,
      shape: e.shape,
      data: decodeElements(buf.subarray(dataStart + begin, dataStart + end), format, sizeOf(e.shape)),
    };
    // defined, not assigned: a tensor named "__proto__" stays a tensor (and the strict key check sees it)
    Object.defineProperty(tensors, name, { value: tensor, enumerable: true, writable: true, configurable: true });
    expected = end;
  }
  if (dataStart + expected !== buf.length) {
    throw corrupt(source, `${buf.length - dataStart - expected} bytes after the last tensor`);
  }
  return { tensors, metadata };
}

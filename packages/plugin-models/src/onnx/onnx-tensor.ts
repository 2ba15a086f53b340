import { decodeElements, RtlabError, TypedArray } from '@rtlab/sdk';
import { onnx } from 'onnx-proto';
import { ExternalDataPolicy, readExternalData } from './external-data';

/** A tensor of an ONNX file in host memory: floats (float16, bfloat16 and float64 widened), integers or booleans. */
export interface OnnxConstant {
  dtype: 'float32' | 'int' | 'bool';
  shape: number[];
  data: TypedArray;
}

/** ONNX TensorProto.DataType -> the safetensors element format rtlab decodes it as. */
const FORMATS: Record<number, string> = {
  1: 'F32',
  2: 'U8',
  3: 'I8',
  5: 'I16',
  6: 'I32',
  7: 'I64',
  9: 'BOOL',
  10: 'F16',
  11: 'F64',
  16: 'BF16',
};
const DTYPE_NAMES: Record<number, string> = { 4: 'uint16', 8: 'string', 12: 'uint32', 13: 'uint64', 14: 'complex64' };
const BYTES: Record<string, number> = {
  F32: 4,
  U8: 1,
  I8: 1,
  I16: 2,
  I32: 4,
  I64: 8,
  BOOL: 1,
  F16: 2,
  F64: 8,
  BF16: 2,
};

/** No tensor rtlab can hold has more elements (and a lying shape must not make it allocate). */
const MAX_ELEMENTS = 2 ** 30;

function shapeOf(t: onnx.ITensorProto, where: string): number[] {
  const shape = (t.dims ?? []).map(Number);
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0))
    throw new RtlabError('input', `${where}: tensor ${t.name} has dims [${shape}]`);
  if (shape.reduce((a, b) => a * b, 1) > MAX_ELEMENTS)
    throw new RtlabError('input', `${where}: tensor ${t.name} claims shape [${shape}], above ${MAX_ELEMENTS} elements`);
  return shape;
}

/** Elements kept in the typed fields (not raw_data) as the bytes of the format. */
function typedFieldBytes(t: onnx.ITensorProto, format: string): Uint8Array | undefined {
  const typed =
    format === 'F32'
      ? Float32Array.from(t.floatData ?? [])
      : format === 'F64'
        ? Float64Array.from(t.doubleData ?? [])
        : format === 'I64'
          ? BigInt64Array.from((t.int64Data ?? []).map((v) => BigInt(v.toString())))
          : format === 'F16' || format === 'BF16'
            ? Uint16Array.from(t.int32Data ?? [])
            : format === 'I16'
              ? Int16Array.from(t.int32Data ?? [])
              : format === 'I32'
                ? Int32Array.from(t.int32Data ?? [])
                : format === 'I8'
                  ? Int8Array.from(t.int32Data ?? [])
                  : Uint8Array.from(t.int32Data ?? []);
  return typed.length ? new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength) : undefined;
}

const INT32_MAX = 2 ** 31 - 1;

/** int64 as int32, saturating: exporters write INT64_MAX for "to the end" (Slice), which no dimension reaches. */
function clampedInt64(raw: Uint8Array, count: number): Int32Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const v = view.getBigInt64(8 * i, true);
    out[i] = v > INT32_MAX ? INT32_MAX : v < -INT32_MAX ? -INT32_MAX : Number(v);
  }
  return out;
}

/**
 * A TensorProto's values, whichever way the file stores them (raw_data, typed fields, external data), after
 * checking that their size is what the shape needs. `where` names the file in errors.
 */
export function readOnnxTensor(t: onnx.ITensorProto, where: string, external: ExternalDataPolicy): OnnxConstant {
  const format = FORMATS[t.dataType ?? 0];
  if (!format)
    throw new RtlabError(
      'input',
      `${where}: tensor ${t.name} has element type ${DTYPE_NAMES[t.dataType ?? 0] ?? t.dataType}, which rtlab does not read`,
    );
  const shape = shapeOf(t, where);
  const count = shape.reduce((a, b) => a * b, 1);
  const bytes = count * BYTES[format];
  let raw: Uint8Array | undefined;
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) raw = readExternalData(t, bytes, external);
  else raw = t.rawData?.length ? t.rawData : typedFieldBytes(t, format);
  if ((raw?.length ?? 0) !== bytes)
    throw new RtlabError(
      'input',
      `${where}: tensor ${t.name} of shape [${shape}] needs ${bytes} bytes of ${format}, the file holds ${raw?.length ?? 0}`,
    );
  const data =
    format === 'I64'
      ? clampedInt64(raw ?? new Uint8Array(0), count)
      : decodeElements(raw ?? new Uint8Array(0), format, count);
  const dtype = format === 'BOOL' ? 'bool' : data instanceof Float32Array ? 'float32' : 'int';
  return { dtype, shape, data };
}

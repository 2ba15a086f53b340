import { Reader } from 'protobufjs/minimal';

/** Field numbers of onnx.proto on the way to tensors. */
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_INITIALIZER = 5;
const NODE_ATTRIBUTE = 5;
const ATTRIBUTE_TENSOR = 5;
const ATTRIBUTE_TENSORS = 10;
/** TensorProto's typed value fields (float_data, int32_data, int64_data, double_data, uint64_data). */
const TYPED_FIELDS = new Set([4, 5, 7, 10, 11]);
const LENGTH_DELIMITED = 2;

type Visit = (field: number, r: Reader, end: number) => number;

/** Walks the fields of the message between r.pos and end; `visit` handles length-delimited fields it wants. */
function walk(r: Reader, end: number, visit: Visit): number {
  let sum = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    const [field, wire] = [tag >>> 3, tag & 7];
    if (wire === LENGTH_DELIMITED) {
      const stop = r.uint32() + r.pos;
      if (stop > end) throw new RangeError(`a length runs past its message (field ${field})`);
      sum += visit(field, r, stop);
      r.pos = stop;
    } else r.skipType(wire);
  }
  return sum;
}

const tensorBytes: Visit = (_f, r, end) =>
  walk(r, end, (field, _r, stop) => (TYPED_FIELDS.has(field) ? stop - _r.pos : 0));
const attribute: Visit = (_f, r, end) =>
  walk(r, end, (field, sub, stop) =>
    field === ATTRIBUTE_TENSOR || field === ATTRIBUTE_TENSORS ? tensorBytes(field, sub, stop) : 0,
  );
const node: Visit = (_f, r, end) =>
  walk(r, end, (field, sub, stop) => (field === NODE_ATTRIBUTE ? attribute(field, sub, stop) : 0));
const graph: Visit = (_f, r, end) =>
  walk(r, end, (field, sub, stop) =>
    field === GRAPH_INITIALIZER ? tensorBytes(field, sub, stop) : field === GRAPH_NODE ? node(field, sub, stop) : 0,
  );

/**
 * Bytes of the main graph's tensors kept in typed fields (float_data, int64_data, ...) rather than raw_data:
 * the decoder turns each of those into a JavaScript number (or a Long object), several times their size in
 * memory, before any check of a tensor's size can run. Read with protobuf.js's reader, without decoding.
 */
export function typedFieldBytes(buf: Uint8Array): number {
  const r = Reader.create(buf);
  return walk(r, buf.length, (field, sub, stop) => (field === MODEL_GRAPH ? graph(field, sub, stop) : 0));
}

import * as fs from 'node:fs';
import { onnx } from 'onnx-proto';

/** A float32 initializer stored as raw_data. */
export const floatTensor = (name: string, dims: number[], data: ArrayLike<number>): onnx.ITensorProto => ({
  name,
  dims,
  dataType: onnx.TensorProto.DataType.FLOAT,
  rawData: new Uint8Array(Float32Array.from(data).buffer),
});

/** An int64 initializer in the typed field (as exporters write shapes and axes). */
export const intTensor = (name: string, dims: number[], data: number[]): onnx.ITensorProto => ({
  name,
  dims,
  dataType: onnx.TensorProto.DataType.INT64,
  int64Data: data,
});

const A = onnx.AttributeProto.AttributeType;

/** A node; attributes from numbers (INT, or FLOAT when not integral), number arrays (INTS) and strings. */
export function node(
  opType: string,
  input: string[],
  output: string[],
  attrs: Record<string, number | number[] | string> = {},
  name = `${opType}_${output[0]}`,
): onnx.INodeProto {
  const attribute = Object.entries(attrs).map(([k, v]): onnx.IAttributeProto => {
    if (typeof v === 'string') return { name: k, type: A.STRING, s: new TextEncoder().encode(v) };
    if (Array.isArray(v)) return { name: k, type: A.INTS, ints: v };
    return Number.isInteger(v) ? { name: k, type: A.INT, i: v } : { name: k, type: A.FLOAT, f: v };
  });
  return { opType, input, output, attribute, name };
}

/** What a test model holds: one NCHW float input, nodes, initializers, one output. */
export interface TestGraph {
  input: { name: string; dims: (number | string)[] };
  output: string;
  nodes: onnx.INodeProto[];
  initializers?: onnx.ITensorProto[];
  opset?: number;
}

/** The ONNX bytes of a test graph (encoded by onnx-proto, as a real exporter's file). */
export function onnxBytes(g: TestGraph): Uint8Array {
  const dim = (d: number | string) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d });
  const tensorType = (dims: (number | string)[]) => ({
    tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims.map(dim) } },
  });
  return onnx.ModelProto.encode({
    irVersion: 8,
    producerName: 'rtlab-tests',
    opsetImport: [{ domain: '', version: g.opset ?? 17 }],
    graph: {
      name: 'test',
      node: g.nodes,
      initializer: g.initializers ?? [],
      input: [{ name: g.input.name, type: tensorType(g.input.dims) }],
      output: [{ name: g.output, type: tensorType([]) }],
    },
  }).finish();
}

/** Writes a test graph to a file. */
export function writeOnnx(file: string, g: TestGraph): void {
  fs.writeFileSync(file, onnxBytes(g));
}

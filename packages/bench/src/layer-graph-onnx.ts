import { inputsOf, LayerGraph, LayerNode } from '@rtlab/plugin-models';
import * as tf from '@tensorflow/tfjs-core';
import { onnx } from 'onnx-proto';

/** What the writer builds: nodes, float initializers, and a counter for names. */
interface Writer {
  nodes: onnx.INodeProto[];
  initializers: onnx.ITensorProto[];
  count: number;
}

const A = onnx.AttributeProto.AttributeType;
const ints = (name: string, v: number[]): onnx.IAttributeProto => ({ name, type: A.INTS, ints: v });

function initializer(w: Writer, dims: number[], data: Float32Array): string {
  const name = `w${w.initializers.length}`;
  w.initializers.push({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(data.buffer) });
  return name;
}

function emit(w: Writer, opType: string, input: string[], attribute: onnx.IAttributeProto[] = []): string {
  const out = `v${w.count++}`;
  w.nodes.push({ opType, input, output: [out], attribute, name: `${opType}_${out}` });
  return out;
}

/** tfjs [kh, kw, in, out] as ONNX [out, in, kh, kw], each output channel scaled, as folding batch norm does. */
function onnxFilter(hwio: Float32Array, [kh, kw, cin, cout]: number[], scale?: Float32Array): Float32Array {
  const out = new Float32Array(hwio.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++)
          out[((o * cin + i) * kh + y) * kw + x] = hwio[((y * kw + x) * cin + i) * cout + o] * (scale ? scale[o] : 1);
  return out;
}

function convPads(pad: Extract<LayerNode, { op: 'conv' }>['pad']): onnx.IAttributeProto[] {
  if (pad === 'same') return [{ name: 'auto_pad', type: A.STRING, s: new TextEncoder().encode('SAME_UPPER') }];
  if (pad === 'valid') return [];
  if (typeof pad === 'number') return [ints('pads', [pad, pad, pad, pad])];
  const [, [t, b], [l, r]] = pad as number[][];
  return [ints('pads', [t, l, b, r])];
}

const data = async (t: tf.Tensor) => Float32Array.from((await t.data()) as Float32Array);

/**
 * An ONNX file of a network's layer graph, as torch.onnx.export writes one: NCHW input with a dynamic
 * batch, batch norm folded into the convolution before it, and a Gemm head (W [k, m], b [k]). The bench
 * times the same weights imported through model/onnx beside the native architecture.
 */
export async function layerGraphOnnx(
  graph: LayerGraph,
  input: [number, number, number],
  head: { weight: Float32Array; bias: Float32Array },
): Promise<Uint8Array> {
  const w: Writer = { nodes: [], initializers: [], count: 0 };
  const names: string[] = [];
  const readers = graph.nodes.map((_, i) => graph.nodes.filter((n) => inputsOf(n).includes(i)).length);
  for (const [i, n] of graph.nodes.entries()) {
    const from = (k: number) => names[k];
    switch (n.op) {
      case 'input':
        names.push('input');
        break;
      case 'conv': {
        const next = graph.nodes[i + 1];
        const fold = next?.op === 'affine' && next.input === i && readers[i] === 1 ? next : undefined;
        const scale = fold ? await data(fold.scale) : undefined;
        const [, , , cout] = n.weight.shape;
        const bias = n.bias ? await data(n.bias) : new Float32Array(cout);
        const shift = fold ? await data(fold.shift) : new Float32Array(cout);
        const b = bias.map((v, o) => v * (scale ? scale[o] : 1) + shift[o]);
        const filter = onnxFilter(await data(n.weight), n.weight.shape, scale);
        const args = [
          from(n.input),
          initializer(w, [cout, n.weight.shape[2], n.weight.shape[0], n.weight.shape[1]], filter),
          initializer(w, [cout], b),
        ];
        const out = emit(w, 'Conv', args, [
          ints('kernel_shape', n.weight.shape.slice(0, 2)),
          ints('strides', [n.stride, n.stride]),
          ...convPads(n.pad),
        ]);
        names.push(out);
        if (fold) names.push(out);
        break;
      }
      case 'affine': {
        if (names.length > i) break; // folded into the conv before it
        const c = n.scale.size;
        const mul = emit(w, 'Mul', [from(n.input), initializer(w, [1, c, 1, 1], await data(n.scale))]);
        names.push(emit(w, 'Add', [mul, initializer(w, [1, c, 1, 1], await data(n.shift))]));
        break;
      }
      case 'relu':
        names.push(emit(w, 'Relu', [from(n.input)]));
        break;
      case 'add':
        names.push(emit(w, 'Add', [from(n.inputs[0]), from(n.inputs[1])]));
        break;
      case 'zeroPad': {
        const p = n.pad;
        const pads = `p${w.count}`;
        w.initializers.push({
          name: pads,
          dims: [8],
          dataType: onnx.TensorProto.DataType.INT64,
          int64Data: [0, 0, p, p, 0, 0, p, p],
        });
        names.push(emit(w, 'Pad', [from(n.input), pads]));
        break;
      }
      case 'maxPool':
        names.push(
          emit(
            w,
            'MaxPool',
            [from(n.input)],
            [ints('kernel_shape', [n.size, n.size]), ints('strides', [n.stride, n.stride])],
          ),
        );
        break;
      case 'globalAvgPool':
        names.push(emit(w, 'Flatten', [emit(w, 'GlobalAveragePool', [from(n.input)])]));
        break;
      default:
        throw new Error(`the bench's ONNX writer has no ${n.op}`);
    }
  }
  const k = head.bias.length;
  const m = head.weight.length / k;
  const logits = emit(
    w,
    'Gemm',
    [names[names.length - 1], initializer(w, [k, m], head.weight), initializer(w, [k], head.bias)],
    [{ name: 'transB', type: A.INT, i: 1 }],
  );
  const [h, wd, c] = input;
  const type = (dims: onnx.TensorShapeProto.IDimension[]) => ({ tensorType: { elemType: 1, shape: { dim: dims } } });
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'bench',
      node: w.nodes,
      initializer: w.initializers,
      input: [
        { name: 'input', type: type([{ dimParam: 'batch' }, { dimValue: c }, { dimValue: h }, { dimValue: wd }]) },
      ],
      output: [{ name: logits, type: type([{ dimParam: 'batch' }, { dimValue: k }]) }],
    },
  }).finish();
}

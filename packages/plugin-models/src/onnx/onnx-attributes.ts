import { RtlabError } from '@rtlab/sdk';
import { onnx } from 'onnx-proto';
import { ExternalDataPolicy } from './external-data';
import { AttrValue, HostConstant } from './onnx-program';
import { readOnnxTensor } from './onnx-tensor';

const T = onnx.AttributeProto.AttributeType;

/** Constant nodes hold scalars, shapes and small tables; weights are initializers. */
const HOST_CONSTANT_ELEMENTS = 1 << 24;
const utf8 = (b: Uint8Array) => Buffer.from(b).toString('utf8');

/** A TensorProto as a host constant (attributes and small initializers). */
export function hostConstant(t: onnx.ITensorProto, where: string, external: ExternalDataPolicy): HostConstant {
  const c = readOnnxTensor(t, where, external);
  if (c.data.length > HOST_CONSTANT_ELEMENTS)
    throw new RtlabError(
      'input',
      `${where}: attribute tensor ${t.name ?? ''} has ${c.data.length} elements; rtlab keeps at most ${HOST_CONSTANT_ELEMENTS} in a node`,
    );
  return { dtype: c.dtype, shape: c.shape, data: Array.from(c.data) };
}

/** A node's attributes as JSON; graph-valued ones (control flow) are refused by name. */
export function attributesOf(
  node: onnx.INodeProto,
  where: string,
  external: ExternalDataPolicy,
): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const a of node.attribute ?? []) {
    const name = a.name ?? '';
    switch (a.type) {
      case T.FLOAT:
        out[name] = a.f ?? 0;
        break;
      case T.INT:
        out[name] = Number(a.i ?? 0);
        break;
      case T.STRING:
        out[name] = utf8(a.s ?? new Uint8Array());
        break;
      case T.TENSOR:
        out[name] = hostConstant(a.t!, where, external);
        break;
      case T.FLOATS:
        out[name] = [...(a.floats ?? [])];
        break;
      case T.INTS:
        out[name] = (a.ints ?? []).map(Number);
        break;
      case T.STRINGS:
        out[name] = (a.strings ?? []).map(utf8);
        break;
      default:
        throw new RtlabError(
          'input',
          `${where}: node "${node.name}" (${node.opType}) has attribute ${name} of type ${T[a.type ?? 0]}, which rtlab does not read`,
        );
    }
  }
  return out;
}

/** A Constant node's value, whichever attribute holds it. */
export function constantValue(attrs: Record<string, AttrValue>, where: string): HostConstant {
  const v = attrs.value ?? attrs.value_float ?? attrs.value_floats ?? attrs.value_int ?? attrs.value_ints;
  if (v === undefined) throw new RtlabError('input', `${where}: a Constant node without a value rtlab reads`);
  if (typeof v === 'object' && !Array.isArray(v)) return v;
  const isInt = attrs.value_int !== undefined || attrs.value_ints !== undefined;
  const data = (Array.isArray(v) ? v : [v]) as number[];
  return { dtype: isInt ? 'int' : 'float32', shape: Array.isArray(v) ? [data.length] : [], data };
}

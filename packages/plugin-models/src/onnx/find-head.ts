import { HostTensor } from '@rtlab/sdk';
import { KnownValues } from './fold-constants';
import { intAttr, floatAttr } from './ops/op';
import { ProgramNode } from './onnx-program';

/** The head f = W g + b as rtlab stores it: W [k, m], b [k]. */
export interface ImportedHead {
  weight: HostTensor;
  bias: HostTensor;
}

function transpose2d(t: HostTensor): HostTensor {
  const [r, c] = t.shape;
  const data = new Float32Array(t.data.length);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) data[j * r + i] = t.data[i * c + j];
  return { dtype: 'float32', shape: [c, r], data };
}

/** A known bias as [k], scaled; undefined unless it has k entries (or one, broadcast). */
function biasOf(name: string | undefined, k: number, scale: number, known: KnownValues): HostTensor | undefined {
  if (!name) return { dtype: 'float32', shape: [k], data: new Float32Array(k) };
  const v = known.params.get(name) ?? known.constants.get(name);
  if (!v || (v.data.length !== k && v.data.length !== 1)) return undefined;
  const data = Float32Array.from({ length: k }, (_, i) => scale * Number(v.data[v.data.length === 1 ? 0 : i]));
  return { dtype: 'float32', shape: [k], data };
}

/**
 * The classifier, when the graph's output is a linear layer of the representation g: Gemm(g, W, b),
 * or MatMul(g, W) + b. Identity nodes on the way to the output are looked through.
 */
export function findHead(
  nodes: ProgramNode[],
  output: string,
  g: string,
  known: KnownValues,
): ImportedHead | undefined {
  const producer = (v: string) => nodes.find((n) => n.outputs.includes(v));
  let node = producer(output);
  while (node?.op === 'Identity') node = producer(node.inputs[0]);
  if (!node) return undefined;
  if (node.op === 'Gemm' && node.inputs[0] === g && intAttr(node, 'transA', 0) === 0) {
    const w = known.params.get(node.inputs[1]);
    if (!w || w.shape.length !== 2) return undefined;
    const alpha = floatAttr(node, 'alpha', 1);
    const kByM = intAttr(node, 'transB', 0) === 1 ? w : transpose2d(w);
    const weight = { ...kByM, data: alpha === 1 ? kByM.data : kByM.data.map((v) => v * alpha) };
    const bias = biasOf(node.inputs[2], weight.shape[0], floatAttr(node, 'beta', 1), known);
    return bias && { weight, bias };
  }
  if (node.op === 'Add') {
    const mm = node.inputs.map(producer).find((n) => n?.op === 'MatMul' && n.inputs[0] === g);
    const w = mm && known.params.get(mm.inputs[1]);
    if (!mm || !w || w.shape.length !== 2) return undefined;
    const weight = transpose2d(w);
    const bias = biasOf(
      node.inputs.find((v) => v !== mm.outputs[0]),
      weight.shape[0],
      1,
      known,
    );
    return bias && { weight, bias };
  }
  return undefined;
}

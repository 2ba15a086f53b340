import { firstNonFinite, HEAD_BIAS, HEAD_WEIGHT, HostTensor, RtlabError } from '@rtlab/sdk';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { ExternalDataPolicy } from './external-data';
import { foldConstants, HOST_FLOATS, KnownValues } from './fold-constants';
import { attributesOf, constantValue } from './onnx-attributes';
import { inGraphOrder, nodesFor } from './onnx-graph-order';
import { HostConstant, OnnxProgram, ProgramNode } from './onnx-program';
import { readOnnxTensor } from './onnx-tensor';
import { ONNX_OPS } from './ops/onnx-ops';
import { readOnnx } from './read-onnx';
import { convFilter } from './conv-filter';
import { findHead } from './find-head';

/** An imported graph before it is probed: the program (batch unknown), the weights, and the input's NCHW dims. */
export interface ImportedOnnx {
  program: OnnxProgram;
  tensors: Record<string, HostTensor>;
  /** The image input's ONNX dims: numbers where fixed, names (or 0) where dynamic. */
  inputDims: (number | string)[];
}

const HOST_INTS = 1 << 16;

function knownValues(graph: onnx.GraphProto, where: string, external: ExternalDataPolicy): KnownValues {
  if (graph.sparseInitializer?.length) throw new RtlabError('input', `${where}: sparse initializers are not supported`);
  const known: KnownValues = { constants: new Map(), params: new Map() };
  for (const t of graph.initializer) {
    const c = readOnnxTensor(t, where, external);
    const name = t.name ?? '';
    if (c.dtype === 'float32') {
      const bad = firstNonFinite(c.data);
      if (bad >= 0)
        throw new RtlabError('input', `${where}: initializer ${t.name} holds ${c.data[bad]} at element ${bad}`);
      known.params.set(name, { dtype: 'float32', shape: c.shape, data: c.data });
    } else if (c.data.length > HOST_INTS)
      throw new RtlabError(
        'input',
        `${where}: integer initializer ${t.name} has ${c.data.length} elements; rtlab keeps at most ${HOST_INTS}`,
      );
    else known.constants.set(name, { dtype: c.dtype, shape: c.shape, data: Array.from(c.data) });
  }
  return known;
}

function imageInput(graph: onnx.GraphProto, known: KnownValues, where: string): onnx.IValueInfoProto {
  const inputs = graph.input.filter((i) => !known.params.has(i.name ?? '') && !known.constants.has(i.name ?? ''));
  if (inputs.length !== 1)
    throw new RtlabError(
      'input',
      `${where}: rtlab needs one image input, the graph has ${inputs.length} (${inputs.map((i) => i.name).join(', ')})`,
    );
  const type = inputs[0].type?.tensorType;
  if (type?.elemType !== onnx.TensorProto.DataType.FLOAT || type.shape?.dim?.length !== 4)
    throw new RtlabError('input', `${where}: input ${inputs[0].name} must be a float NCHW image batch`);
  return inputs[0];
}

/** The graph's nodes as program nodes, each op checked against what rtlab runs. */
function programNodes(
  graph: onnx.GraphProto,
  opset: number,
  where: string,
  external: ExternalDataPolicy,
): ProgramNode[] {
  return graph.node.map((n, i) => {
    const op = n.opType ?? '';
    const name = n.name || `${op}_${i}`;
    if ((n.domain && n.domain !== 'ai.onnx') || !ONNX_OPS[op])
      throw new RtlabError(
        'input',
        `${where}: node "${name}" uses ${n.domain ? `${n.domain}.` : ''}${op} (opset ${opset}), which rtlab does not run; supported: ${Object.keys(ONNX_OPS).sort().join(', ')}`,
      );
    return {
      op,
      name,
      inputs: [...(n.input ?? [])],
      outputs: [...(n.output ?? [])],
      attrs: attributesOf(n, where, external),
    };
  });
}

/** Constant nodes become known values (small floats and integers on the host, large floats as weights). */
function takeConstants(nodes: ProgramNode[], known: KnownValues, where: string): ProgramNode[] {
  return nodes.filter((n) => {
    if (n.op !== 'Constant') return true;
    const c = constantValue(n.attrs, `${where}: node "${n.name}"`);
    if (c.dtype === 'float32' && c.data.length > HOST_FLOATS)
      known.params.set(n.outputs[0], { dtype: 'float32', shape: c.shape, data: Float32Array.from(c.data) });
    else known.constants.set(n.outputs[0], c);
    return false;
  });
}

/** The representation by default: the input of the last Gemm or MatMul with a weight operand (the classifier). */
function defaultFeatures(nodes: ProgramNode[], known: KnownValues, where: string): string {
  const last = [...nodes]
    .reverse()
    .find((n) => (n.op === 'Gemm' || n.op === 'MatMul') && known.params.has(n.inputs[1]));
  if (!last)
    throw new RtlabError(
      'input',
      `${where}: no Gemm or MatMul with a weight to take the representation from; name it with "features"`,
    );
  return last.inputs[0];
}

/**
 * Reads an ONNX file into a program g runs by and the weights it reads: checks every op and tensor,
 * orders the nodes, folds what is known at import, keeps the nodes the representation needs, stores
 * Conv filters as tfjs wants them, and turns the final linear layer (when it reads g) into the head.
 */
export async function importOnnx(file: string, external: ExternalDataPolicy, features?: string): Promise<ImportedOnnx> {
  const where = file;
  const { graph, opset } = readOnnx(file);
  const known = knownValues(graph, where, external);
  const input = imageInput(graph, known, where);
  const given = new Set([input.name ?? '', ...known.params.keys(), ...known.constants.keys()]);
  const ordered = inGraphOrder(programNodes(graph, opset, where, external), given, where);
  const running = await foldConstants(takeConstants(ordered, known, where), known);
  const g = features ?? defaultFeatures(running, known, where);
  const produced = new Set(running.flatMap((n) => n.outputs));
  if (!produced.has(g))
    throw new RtlabError(
      'input',
      `${where}: "features" names ${g}, which no node computes from the input; values near the end: ${[...produced].slice(-8).join(', ')}`,
    );
  const head = findHead(running, graph.output[0]?.name ?? '', g, known);
  const nodes = nodesFor(g, running);
  const tensors: Record<string, HostTensor> = head ? { [HEAD_WEIGHT]: head.weight, [HEAD_BIAS]: head.bias } : {};
  const params: Record<string, string> = {};
  const constants: Record<string, HostConstant> = {};
  let bn = 0;
  for (const node of nodes) {
    if (node.op === 'Conv') node.inputs[1] = convFilter(node, known, where);
    if (node.op === 'BatchNormalization') node.attrs.statistics = `bn${bn++}`;
    node.inputs.forEach((v, i) => {
      if (!v) return;
      const c = known.constants.get(v);
      if (c) constants[v] = c;
      const p = known.params.get(v);
      if (!p || params[v]) return;
      const key =
        node.op === 'BatchNormalization' && i > 0
          ? `${node.attrs.statistics}.${['', 'weight', 'bias', 'running_mean', 'running_var'][i]}`
          : `onnx.${Object.keys(params).length}`;
      params[v] = key;
      tensors[key] = p;
    });
  }
  const dims = input.type!.tensorType!.shape!.dim!.map((d) => (d.dimValue ? Number(d.dimValue) : d.dimParam || 0));
  const program: OnnxProgram = {
    opset,
    input: input.name!,
    nodes: nodes as OnnxProgram['nodes'],
    params,
    constants: constants as OnnxProgram['constants'],
    features: g,
    batch: null,
    normalize: false,
    source: path.basename(file),
  };
  return { program, tensors, inputDims: dims };
}

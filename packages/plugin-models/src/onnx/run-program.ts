import { RtlabError } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';
import { BatchNormMode } from '../network/batch-norm-mode';
import { HostConstant, OnnxProgram, ProgramNode } from './onnx-program';
import { hostValue, logical, shapeOf, tensorValue, Value } from './onnx-value';
import { ONNX_OPS } from './ops/onnx-ops';
import { nodeError, OpContext } from './ops/op';

/** The index of the last node that reads each value (values read by none die at once). */
function lastUses(nodes: ProgramNode[]): Map<string, number> {
  const last = new Map<string, number>();
  nodes.forEach((n, i) => n.inputs.forEach((v) => v && last.set(v, i)));
  return last;
}

/** Runs one node on the values computed so far; any failure is an error naming the node and its op. */
export function runNode(node: ProgramNode, values: Map<string, Value>, ctx: OpContext): Value[] {
  const op = ONNX_OPS[node.op];
  if (!op) throw nodeError(node, 'not supported');
  const inputs = node.inputs.map((name) => {
    if (!name) return undefined;
    const v = values.get(name);
    if (!v) throw nodeError(node, `reads ${name}, which nothing computed`);
    return v;
  });
  if (!inputs[0] && node.op !== 'Constant') throw nodeError(node, 'has no first input');
  let outputs: Value[];
  try {
    outputs = op(inputs, node, ctx);
  } catch (e) {
    if (e instanceof RtlabError) throw e;
    throw nodeError(node, (e as Error).message.split('\n')[0]);
  }
  const missing = node.outputs.findIndex((name, k) => name && !outputs[k]);
  if (missing >= 0) throw nodeError(node, `its output ${missing + 1} (${node.outputs[missing]}) is not supported`);
  return outputs;
}

/**
 * g(x) by the program: x NHWC (what rtlab hands), `param` the imported weights by tensor name. Each
 * intermediate tensor is freed after the last node that reads it. Returns g flattened to [N, featureDim]
 * in ONNX's (PyTorch's) element order.
 */
export function runProgram(
  program: OnnxProgram,
  x: tf.Tensor4D,
  param: (name: string) => tf.Tensor,
  bn: BatchNormMode,
  onValue?: (name: string, shape: number[]) => void,
): tf.Tensor2D {
  return tf.tidy(() => {
    const values = new Map<string, Value>();
    const held = new Map<tf.Tensor, number>();
    const protectedTensors = new Set<tf.Tensor>([x]);
    const hold = (v: Value, by: number) => {
      if (v.kind === 'tensor') held.set(v.t, (held.get(v.t) ?? 0) + by);
      return v;
    };
    for (const [name, c] of Object.entries(program.constants)) values.set(name, hostValue(c as HostConstant));
    for (const [name, key] of Object.entries(program.params)) {
      const t = param(key);
      protectedTensors.add(t);
      values.set(name, tensorValue(t));
    }
    values.set(program.input, tensorValue(x, true));
    const last = lastUses(program.nodes);
    const ctx: OpContext = { bn };
    program.nodes.forEach((node, i) => {
      const outputs = tf.tidy(() => runNode(node, values, ctx) as unknown as tf.TensorContainer) as unknown as Value[];
      node.outputs.forEach((name, k) => name && values.set(name, hold(outputs[k], 1)));
      node.outputs.forEach((name, k) => name && onValue?.(name, shapeOf(outputs[k])));
      for (const name of new Set([...node.inputs, ...node.outputs])) {
        if (!name || name === program.features || (last.get(name) ?? -1) > i) continue;
        const v = values.get(name);
        values.delete(name);
        if (v?.kind === 'tensor' && !protectedTensors.has(v.t) && hold(v, -1) && held.get(v.t) === 0) v.t.dispose();
      }
    });
    const g = values.get(program.features);
    if (!g) throw new RtlabError('input', `the ONNX graph computes no value "${program.features}"`);
    const t = logical(g);
    return tf.reshape(t, [t.shape[0], -1]) as tf.Tensor2D;
  });
}

import { HostTensor } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';
import { EVAL } from '../network/batch-norm-mode';
import { HostConstant, ProgramNode } from './onnx-program';
import { hostValue, logical, tensorValue, Value } from './onnx-value';
import { runNode } from './run-program';

/** Float constants up to this size stay host numbers; larger ones become weights (tensors of the artifact). */
export const HOST_FLOATS = 64;

/** What import knows before the network runs: host constants and float weights, by value name. */
export interface KnownValues {
  constants: Map<string, HostConstant>;
  params: Map<string, HostTensor>;
}

const isKnown = (name: string, k: KnownValues) => !name || k.constants.has(name) || k.params.has(name);

/** Stores an op's result as a host constant or a weight (read asynchronously: GPU backends cannot read synchronously). */
async function remember(name: string, v: Value, k: KnownValues): Promise<void> {
  if (v.kind === 'host') {
    k.constants.set(name, v.c);
    return;
  }
  const t = v.t;
  const data = await t.data();
  if (t.dtype === 'float32' && t.size > HOST_FLOATS)
    k.params.set(name, { dtype: 'float32', shape: [...t.shape], data: Float32Array.from(data) });
  else
    k.constants.set(name, {
      dtype: t.dtype === 'float32' ? 'float32' : t.dtype === 'bool' ? 'bool' : 'int',
      shape: [...t.shape],
      data: Array.from(data),
    });
}

/**
 * Folds every node whose inputs are all known at import (shape arithmetic on constants, transposed
 * weights) into `known`, and returns the nodes left to run with the input.
 */
export async function foldConstants(nodes: ProgramNode[], known: KnownValues): Promise<ProgramNode[]> {
  const left: ProgramNode[] = [];
  for (const node of nodes) {
    // A Conv reads its filter in tfjs's layout, which import gives it after folding: never folded.
    if (node.op === 'Conv' || !node.inputs.every((v) => isKnown(v, known))) {
      left.push(node);
      continue;
    }
    const outs = tf.tidy(() => {
      const values = new Map<string, Value>();
      for (const v of node.inputs.filter(Boolean)) {
        const p = known.params.get(v);
        values.set(v, p ? tensorValue(tf.tensor(p.data, p.shape, 'float32')) : hostValue(known.constants.get(v)!));
      }
      const results = runNode(node, values, { bn: EVAL });
      return results.map((r) => (r.kind === 'tensor' ? tensorValue(logical(r)) : r)) as unknown as tf.TensorContainer;
    }) as unknown as Value[];
    for (const [i, name] of node.outputs.entries()) if (name) await remember(name, outs[i], known);
    tf.dispose(outs.flatMap((o) => (o.kind === 'tensor' ? [o.t] : [])));
  }
  return left;
}

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

/** Stores an op's result as a host constant or a weight. */
function remember(name: string, v: Value, k: KnownValues): void {
  if (v.kind === 'host') {
    k.constants.set(name, v.c);
    return;
  }
  const t = logical(v);
  const data = t.dataSync();
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
export function foldConstants(nodes: ProgramNode[], known: KnownValues, opset: number): ProgramNode[] {
  const left: ProgramNode[] = [];
  for (const node of nodes) {
    if (!node.inputs.every((v) => isKnown(v, known))) {
      left.push(node);
      continue;
    }
    tf.tidy(() => {
      const values = new Map<string, Value>();
      for (const v of node.inputs.filter(Boolean)) {
        const p = known.params.get(v);
        values.set(v, p ? tensorValue(tf.tensor(p.data, p.shape, 'float32')) : hostValue(known.constants.get(v)!));
      }
      const outs = runNode(node, values, { opset, param: () => tf.scalar(0), bn: EVAL });
      node.outputs.forEach((name, i) => name && remember(name, outs[i], known));
    });
  }
  return left;
}

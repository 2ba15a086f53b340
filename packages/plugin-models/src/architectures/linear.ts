import { Artifact, HEAD_BIAS, HEAD_WEIGHT, RtlabError, sizeOf } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';
import { Architecture } from './architecture';
import { GraphBuilder } from '../graph/graph-builder';

/**
 * g(x) = flatten(x) A with A [d, m]: a representation whose AS score is known in closed form
 * (eps * sigma_max(A) over an L2 ball), for checking attacks and bounds. Built with `linearModel`.
 */
export const linear: Architecture = {
  name: 'linear',
  inputShape: [0, 0, 0],
  featureDim: 0,
  init: () => {
    throw new RtlabError(
      'input',
      'a linear representation has no default size; build it with linearModel(A, inputShape)',
    );
  },
  features: (p, x) => tf.matMul(tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D, p('A.weight') as tf.Tensor2D),
  graph(p) {
    const b = new GraphBuilder(p);
    b.dense(b.flatten(b.input), 'A', false);
    return b.build();
  },
};

/**
 * A Model artifact of g(x) = flatten(x) A, optionally with a head W [k, m], b [k].
 * @example linearModel([[1, 0], [0, 2], ...], [2, 2, 1], { weight: [[1, 1]], bias: [0] }, 'regression')
 */
export function linearModel(
  A: number[][],
  inputShape: [number, number, number],
  head?: { weight: number[][]; bias: number[] },
  task?: 'regression' | 'classification',
  target?: string,
): Artifact {
  const [d, m] = [A.length, A[0].length];
  if (d !== sizeOf(inputShape))
    throw new RtlabError(
      'input',
      `A has ${d} rows, the input ${inputShape.join('x')} has ${sizeOf(inputShape)} values`,
    );
  const tensors: Artifact['tensors'] = {
    'A.weight': { dtype: 'float32', shape: [d, m], data: Float32Array.from(A.flat()) },
  };
  if (head) {
    tensors[HEAD_WEIGHT] = {
      dtype: 'float32',
      shape: [head.weight.length, m],
      data: Float32Array.from(head.weight.flat()),
    };
    tensors[HEAD_BIAS] = { dtype: 'float32', shape: [head.bias.length], data: Float32Array.from(head.bias) };
  }
  const meta = {
    architecture: 'linear',
    inputShape,
    featureDim: m,
    outputs: head?.weight.length ?? 0,
    ...(task ? { task } : {}),
    ...(target ? { target } : {}),
  };
  return { type: 'Model', meta, tensors };
}

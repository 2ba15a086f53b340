import { applyNode, LayerNode } from '@rtlab/plugin-models';
import * as tf from '@tensorflow/tfjs-core';

/** A linear node's map without its bias: conv and dense without bias, affine without shift, the others as they are. */
function linearPart(node: LayerNode, x: tf.Tensor): tf.Tensor {
  switch (node.op) {
    case 'conv':
      return tf.conv2d(x as tf.Tensor4D, node.weight, node.stride, node.pad);
    case 'dense':
      return tf.matMul(x as tf.Tensor2D, node.weight);
    case 'affine':
      return tf.mul(x, node.scale);
    case 'avgPool':
      return tf.avgPool(x as tf.Tensor4D, node.size, node.stride, 'valid');
    case 'globalAvgPool':
      return tf.mean(x, [1, 2]);
    case 'zeroPad':
      return tf.pad(x, [
        [0, 0],
        [node.pad, node.pad],
        [node.pad, node.pad],
        [0, 0],
      ]);
    case 'flatten':
      return tf.reshape(x, [x.shape[0], -1]);
    default:
      throw new Error(`${node.op} is not a linear node`);
  }
}

/** |M| r for r >= 0: the radius of the image of a box of radius r (interval arithmetic). */
export function applyAbs(node: LayerNode, r: tf.Tensor): tf.Tensor {
  switch (node.op) {
    case 'conv':
      return tf.conv2d(r as tf.Tensor4D, tf.abs(node.weight), node.stride, node.pad);
    case 'dense':
      return tf.matMul(r as tf.Tensor2D, tf.abs(node.weight));
    case 'affine':
      return tf.mul(r, tf.abs(node.scale));
    default:
      return linearPart(node, r); // pools, padding and reshapes have non-negative weights
  }
}

/** (M o M) v: with v = eps^2, the squared L2 norms of M's rows times eps^2 (exact for one mixing map). */
export function applySquared(node: LayerNode, v: tf.Tensor): tf.Tensor {
  switch (node.op) {
    case 'conv':
      return tf.conv2d(v as tf.Tensor4D, tf.square(node.weight), node.stride, node.pad);
    case 'dense':
      return tf.matMul(v as tf.Tensor2D, tf.square(node.weight));
    case 'affine':
      return tf.mul(v, tf.square(node.scale));
    case 'avgPool':
      return tf.div(linearPart(node, v), node.size * node.size);
    case 'globalAvgPool':
      return tf.div(linearPart(node, v), v.shape[1]! * v.shape[2]!);
    default:
      return linearPart(node, v);
  }
}

/** A M: the coefficients A [R, ...output] of a linear bound carried back to the node's input, [R, ...inShape]. */
export function backThrough(node: LayerNode, A: tf.Tensor, inShape: number[]): tf.Tensor {
  switch (node.op) {
    case 'dense':
      return tf.matMul(A as tf.Tensor2D, node.weight, false, true);
    case 'affine':
      return tf.mul(A, node.scale);
    case 'flatten':
      return tf.reshape(A, [A.shape[0], ...inShape]);
    default: {
      const zeros = tf.zeros([A.shape[0], ...inShape]);
      return tf.grad((x: tf.Tensor) => tf.sum(tf.mul(linearPart(node, x), A)))(zeros);
    }
  }
}

/** The node's output at a zero input ([1, ...output]): its bias as the affine map's constant; none without one. */
export function constantOf(node: LayerNode, inShape: number[]): tf.Tensor | undefined {
  const hasConstant = node.op === 'affine' || ((node.op === 'conv' || node.op === 'dense') && node.bias !== undefined);
  return hasConstant ? tf.tidy(() => applyNode(node, [tf.zeros([1, ...inShape])])) : undefined;
}

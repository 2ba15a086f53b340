import * as tf from '@tensorflow/tfjs-core';
import { wave } from './compare-backends';

/** The largest relative error a kernel may have against cpu: float32 rounding. */
export const KERNEL_TOLERANCE = 1e-5;

/** A computation every backend must agree on with the cpu backend; it returns one tensor to compare. */
export type KernelCase = [name: string, compute: () => tf.Tensor];

const conv = (x: tf.Tensor, w: tf.Tensor, stride: number, pad: 'same' | 'valid') =>
  tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, pad);
const upstream = (y: tf.Tensor) => wave(y.shape, 0.61);

/**
 * Every kernel rtlab's plugins use, with gradients, at sizes that find the defects seen so far (webgpu's
 * BatchMatMul with transposeB once the shared dimension reaches about 2048). The webgpu suite runs them on
 * Mesa's software device; the GPU check (packages/bench/src/gpu-check) runs them on the machine's GPU.
 */
export const KERNEL_CASES: KernelCase[] = [
  ['conv2d', () => conv(wave([2, 9, 9, 3]), wave([3, 3, 3, 5], 0.2), 1, 'same')],
  [
    'conv2d input gradient (stride 2)',
    () =>
      tf.grad((x) =>
        tf.sum(
          tf.mul(conv(x, wave([3, 3, 3, 4], 0.2), 2, 'same'), upstream(conv(x, wave([3, 3, 3, 4], 0.2), 2, 'same'))),
        ),
      )(wave([2, 8, 8, 3])),
  ],
  [
    'conv2d filter gradient',
    () =>
      tf.grad((w) =>
        tf.sum(tf.mul(conv(wave([2, 8, 8, 3]), w, 1, 'valid'), upstream(conv(wave([2, 8, 8, 3]), w, 1, 'valid')))),
      )(wave([5, 5, 3, 6], 0.2)),
  ],
  [
    'avgPool and its gradient',
    () =>
      tf.grad((x) =>
        tf.sum(
          tf.mul(tf.avgPool(x as tf.Tensor4D, 2, 2, 'valid'), upstream(tf.avgPool(x as tf.Tensor4D, 2, 2, 'valid'))),
        ),
      )(wave([2, 8, 8, 3])),
  ],
  [
    'matMul with transposes and its gradient',
    () =>
      tf.grad((a) =>
        tf.sum(tf.mul(tf.matMul(a as tf.Tensor2D, wave([7, 5]) as tf.Tensor2D, false, true), wave([6, 7], 0.3))),
      )(wave([6, 5])),
  ],
  [
    "matMul with transposeB and a shared dimension of 2704 (the dSprites CNN's first dense layer)",
    () => tf.matMul(wave([64, 2704]), wave([120, 2704], 0.2), false, true),
  ],
  [
    'matMul with transposeA and a shared dimension of 4096',
    () => tf.matMul(wave([4096, 16]), wave([4096, 64], 0.2), true, false),
  ],
  [
    'batch norm by broadcasting, training mode, gradient',
    () =>
      tf.grad((x) => {
        const { mean, variance } = tf.moments(x, [0, 1, 2]);
        return tf.sum(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), upstream(x)));
      })(wave([4, 5, 5, 3])),
  ],
  [
    'softmax cross-entropy and its gradient',
    () =>
      tf.grad((z) =>
        tf.sum(
          tf.neg(tf.sum(tf.mul(tf.oneHot(tf.tensor1d([0, 3, 1, 2], 'int32'), 4), tf.logSoftmax(z as tf.Tensor2D)), 1)),
        ),
      )(wave([4, 4])),
  ],
  ['sign, down to 1e-9', () => tf.sign(tf.mul(wave([64]), 1e-9))],
  [
    'relu, abs, sqrt and their gradients',
    () => tf.grad((x) => tf.sum(tf.add(tf.relu(x), tf.sqrt(tf.add(tf.abs(x), 1)))))(wave([32])),
  ],
  [
    'reductions used by norms (sum, mean, max, euclidean norm per row)',
    () =>
      tf.concat([
        tf.sum(wave([4, 6]), 1),
        tf.mean(wave([4, 6]), 1),
        tf.max(wave([4, 6]), 1),
        tf.norm(wave([4, 6]), 'euclidean', 1),
      ]),
  ],
  [
    'clip, minimum and maximum (the PGD projection)',
    () => tf.clipByValue(tf.minimum(tf.maximum(wave([50]), -0.3), 0.7), 0, 0.5),
  ],
  ['argMax', () => tf.cast(tf.argMax(wave([5, 7]), 1), 'float32')],
  [
    'max along an axis and its gradient (the DLR loss)',
    () => tf.grad((x) => tf.sum(tf.mul(tf.max(x, 1), wave([5], 0.3))))(wave([5, 7])),
  ],
  [
    'where with a per-sample condition broadcast over [B, 1, 1, 1] (APGD, restarts)',
    () => tf.where(tf.greater(wave([4, 1, 1, 1]), 0), wave([4, 3, 3, 2]), wave([4, 3, 3, 2], 0.5)),
  ],
  [
    'oneHot, tile and reshape (CROWN unit rows)',
    () => tf.reshape(tf.tile(tf.cast(tf.oneHot(tf.tensor1d([0, 3, 5], 'int32'), 6), 'float32'), [2, 1]), [6, 2, 3]),
  ],
  [
    'maxPool after zero padding (the ResNet stem, IBP)',
    () =>
      tf.maxPool(
        tf.pad(wave([2, 7, 7, 3]), [
          [0, 0],
          [1, 1],
          [1, 1],
          [0, 0],
        ]) as tf.Tensor4D,
        3,
        2,
        'valid',
      ),
  ],
  [
    'the ReLU relaxation (less, greater, logicalAnd, where, div)',
    () => {
      const l = wave([40]);
      const u = tf.add(l, 0.5);
      const unstable = tf.logicalAnd(tf.less(l, 0), tf.greater(u, 0));
      return tf.where(unstable, tf.div(u, tf.sub(u, l)), tf.cast(tf.greaterEqual(l, 0), 'float32'));
    },
  ],
  [
    'depthwiseConv2d and its input gradient (stride 2, multiplier 2: MobileNets, EfficientNets, ConvNeXt)',
    () => {
      const y = (x: tf.Tensor) =>
        tf.depthwiseConv2d(x as tf.Tensor4D, wave([3, 3, 4, 2], 0.2) as tf.Tensor4D, 2, 'same');
      return tf.grad((x) => tf.sum(tf.mul(y(x), upstream(y(x)))))(wave([2, 9, 9, 4]));
    },
  ],
  [
    'erf, softmax and moments with their gradients (GELU, attention, layer norm of imported ONNX networks)',
    () =>
      tf.grad((x) => {
        const { mean, variance } = tf.moments(x, [2], true);
        const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5)));
        return tf.sum(tf.mul(tf.softmax(tf.mul(normed, tf.add(tf.erf(normed), 1))), wave([2, 5, 16], 0.3)));
      })(wave([2, 5, 16])),
  ],
  [
    'batched matMul of rank 4 and its gradient (attention heads)',
    () =>
      tf.grad((q) =>
        tf.sum(
          tf.mul(
            tf.matMul(q as tf.Tensor4D, wave([2, 3, 7, 5], 0.2) as tf.Tensor4D, false, true),
            wave([2, 3, 6, 7], 0.4),
          ),
        ),
      )(wave([2, 3, 6, 5])),
  ],
  [
    'slices of a rank-3 view and their gradient (ONNX Gather and Slice)',
    () =>
      tf.grad((x) => {
        const view = tf.reshape(x, [6, 3, 8]);
        return tf.sum(
          tf.mul(
            tf.concat([tf.slice(view, [0, 2, 0], [6, 1, 8]), tf.slice(view, [0, 0, 0], [6, 1, 8])], 1),
            wave([6, 2, 8], 0.5),
          ),
        );
      })(wave([2, 3, 3, 8])),
  ],
];

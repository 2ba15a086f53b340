import * as tf from '@tensorflow/tfjs-core';
import { Padding, Params } from '../network/layers';
import { LayerGraph, LayerNode } from './layer-graph';

const BN_EPS = 1e-5;

/** Builds a LayerGraph from a network's weights, node by node; each method returns the new node's index. */
export class GraphBuilder {
  private readonly nodes: LayerNode[] = [{ op: 'input' }];
  private readonly owned: tf.Tensor[] = [];

  constructor(private readonly p: Params) {}

  readonly input = 0;

  private add(node: LayerNode): number {
    this.nodes.push(node);
    return this.nodes.length - 1;
  }

  /** Convolution (PyTorch weight names `<name>.weight`, `<name>.bias`). */
  conv(x: number, name: string, stride: number, pad: Padding, bias = true): number {
    const weight = this.p(`${name}.weight`) as tf.Tensor4D;
    return this.add({ op: 'conv', input: x, weight, stride, pad, ...(bias ? { bias: this.p(`${name}.bias`) } : {}) });
  }

  /** x @ weight (+ bias). */
  dense(x: number, name: string, bias = true): number {
    const weight = this.p(`${name}.weight`) as tf.Tensor2D;
    return this.add({ op: 'dense', input: x, weight, ...(bias ? { bias: this.p(`${name}.bias`) } : {}) });
  }

  /** Batch norm in inference mode, folded: scale = gamma / sqrt(var + eps), shift = beta - mean * scale. */
  batchNorm(x: number, name: string): number {
    const [scale, shift] = tf.tidy(() => {
      const s = tf.mul(this.p(`${name}.weight`), tf.rsqrt(tf.add(this.p(`${name}.running_var`), BN_EPS)));
      return [s, tf.sub(this.p(`${name}.bias`), tf.mul(this.p(`${name}.running_mean`), s))];
    });
    this.owned.push(scale, shift);
    return this.add({ op: 'affine', input: x, scale, shift });
  }

  /** (x - mean) / std, as x * (1 / std) + (-mean / std). */
  normalize(x: number, mean: tf.Tensor, std: tf.Tensor): number {
    const [scale, shift] = tf.tidy(() => [tf.reciprocal(std), tf.neg(tf.div(mean, std))]);
    this.owned.push(scale, shift);
    return this.add({ op: 'affine', input: x, scale, shift });
  }

  /** max(x, 0). */
  relu(x: number): number {
    return this.add({ op: 'relu', input: x });
  }

  /** The residual add a + b. */
  sum(a: number, b: number): number {
    return this.add({ op: 'add', inputs: [a, b] });
  }

  /** Average pooling, valid padding. */
  avgPool(x: number, size: number, stride: number): number {
    return this.add({ op: 'avgPool', input: x, size, stride });
  }

  /** The mean over height and width: [N, C]. */
  globalAvgPool(x: number): number {
    return this.add({ op: 'globalAvgPool', input: x });
  }

  /** Zero padding of `pad` on each side of height and width. */
  zeroPad(x: number, pad: number): number {
    return this.add({ op: 'zeroPad', input: x, pad });
  }

  /** Max pooling, valid padding. */
  maxPool(x: number, size: number, stride: number): number {
    return this.add({ op: 'maxPool', input: x, size, stride });
  }

  /** [N, ...] to [N, size]. */
  flatten(x: number): number {
    return this.add({ op: 'flatten', input: x });
  }

  /** Any layer node on given tensors; the builder frees `owned` (tensors derived for it) with the graph. */
  layer(node: LayerNode, owned: tf.Tensor[] = []): number {
    this.owned.push(...owned);
    return this.add(node);
  }

  /** The graph built so far. */
  build(): LayerGraph {
    const owned = this.owned;
    return { nodes: this.nodes, dispose: () => tf.dispose(owned) };
  }
}

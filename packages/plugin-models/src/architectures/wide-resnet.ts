import { HostTensor, RtlabError, SeededRng } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';
import { BatchNormMode } from '../network/batch-norm-mode';
import { initBatchNorm, initConv } from '../network/init';
import { batchNorm, conv, Params } from '../network/layers';
import { Architecture } from './architecture';
import { GraphBuilder } from '../graph/graph-builder';

/** PyTorch's padding=1 for a 3x3 conv, explicit so stride 2 matches exactly. */
const PAD1: [[number, number], [number, number], [number, number], [number, number]] = [
  [0, 0],
  [1, 1],
  [1, 1],
  [0, 0],
];

interface BlockSpec {
  name: string;
  cin: number;
  cout: number;
  stride: number;
}

function blocks(depth: number, widen: number): BlockSpec[] {
  const n = (depth - 4) / 6;
  const widths = [16, 16 * widen, 32 * widen, 64 * widen];
  return [1, 2, 3].flatMap((g) =>
    Array.from({ length: n }, (_, j) => ({
      name: `block${g}.layer.${j}`,
      cin: j === 0 ? widths[g - 1] : widths[g],
      cout: widths[g],
      stride: j === 0 && g > 1 ? 2 : 1,
    })),
  );
}

const hasShortcut = (b: BlockSpec) => b.cin !== b.cout || b.stride !== 1;

/** RobustBench's pre-activation BasicBlock: the shortcut conv (when shapes change) reads relu(bn1(x)). */
function block(p: Params, b: BlockSpec, x: tf.Tensor4D, bn: BatchNormMode): tf.Tensor4D {
  const o = tf.relu(batchNorm(p, `${b.name}.bn1`, x, bn));
  const h = tf.relu(
    batchNorm(p, `${b.name}.bn2`, conv(p, `${b.name}.conv1`, o, b.stride, b.stride === 1 ? 'same' : PAD1, false), bn),
  );
  const y = conv(p, `${b.name}.conv2`, h, 1, 'same', false);
  return tf.add(y, hasShortcut(b) ? conv(p, `${b.name}.convShortcut`, o, b.stride, 'valid', false) : x);
}

/** The same block as graph nodes. */
function blockGraph(g: GraphBuilder, b: BlockSpec, x: number): number {
  const o = g.relu(g.batchNorm(x, `${b.name}.bn1`));
  const h = g.relu(
    g.batchNorm(g.conv(o, `${b.name}.conv1`, b.stride, b.stride === 1 ? 'same' : PAD1, false), `${b.name}.bn2`),
  );
  const y = g.conv(h, `${b.name}.conv2`, 1, 'same', false);
  return g.sum(y, hasShortcut(b) ? g.conv(o, `${b.name}.convShortcut`, b.stride, 'valid', false) : x);
}

/**
 * WideResNet-depth-widen for 32x32x3 inputs, as RobustBench defines it (weight names match its state
 * dicts: conv1, block{1,2,3}.layer.{j}.{bn1,conv1,bn2,conv2,convShortcut}, bn1); g = the pooled
 * 64*widen-d output. `wrn-34-10` is the paper's CIFAR-100 network; small members (wrn-10-1) share the code.
 */
export function wideResNet(depth: number, widen: number): Architecture {
  if ((depth - 4) % 6 !== 0 || depth < 10 || widen < 1)
    throw new RtlabError('input', `WideResNet depth must be 6n + 4 (>= 10) and widen >= 1, got ${depth}-${widen}`);
  const spec = blocks(depth, widen);
  const width = 64 * widen;
  return {
    name: `wrn-${depth}-${widen}`,
    inputShape: [32, 32, 3],
    anySize: true,
    featureDim: width,
    init(rng: SeededRng): Record<string, HostTensor> {
      const w: Record<string, HostTensor> = { ...initConv('conv1', 3, 3, 3, 16, rng, false) };
      for (const b of spec) {
        Object.assign(
          w,
          initBatchNorm(`${b.name}.bn1`, b.cin),
          initConv(`${b.name}.conv1`, 3, 3, b.cin, b.cout, rng, false),
        );
        Object.assign(
          w,
          initBatchNorm(`${b.name}.bn2`, b.cout),
          initConv(`${b.name}.conv2`, 3, 3, b.cout, b.cout, rng, false),
        );
        if (hasShortcut(b)) Object.assign(w, initConv(`${b.name}.convShortcut`, 1, 1, b.cin, b.cout, rng, false));
      }
      return { ...w, ...initBatchNorm('bn1', width) };
    },
    features(p: Params, x: tf.Tensor4D, bn: BatchNormMode): tf.Tensor2D {
      let h = conv(p, 'conv1', x, 1, 'same', false);
      // A tidy per block frees its temporaries at once (backprop's saved tensors are kept by the tape):
      // at batch 64 the untidied forward peaks at 3.4 GiB, near wasm32's 4 GiB heap.
      for (const b of spec) {
        const previous = h;
        h = tf.tidy(() => block(p, b, previous, bn));
        if (previous !== x) previous.dispose();
      }
      h = tf.relu(batchNorm(p, 'bn1', h, bn));
      return tf.reshape(tf.avgPool(h, [h.shape[1], h.shape[2]], 1, 'valid'), [h.shape[0], width]) as tf.Tensor2D;
    },
    graph(p: Params) {
      const g = new GraphBuilder(p);
      let h = g.conv(g.input, 'conv1', 1, 'same', false);
      for (const b of spec) h = blockGraph(g, b, h);
      g.globalAvgPool(g.relu(g.batchNorm(h, 'bn1')));
      return g.build();
    },
  };
}

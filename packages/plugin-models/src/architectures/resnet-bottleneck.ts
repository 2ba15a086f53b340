import { HostTensor, RtlabError, SeededRng } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';
import { BatchNormMode } from '../network/batch-norm-mode';
import { initBatchNorm, initConv } from '../network/init';
import { batchNorm, conv, Params } from '../network/layers';
import { Architecture } from './architecture';
import { GraphBuilder } from '../graph/graph-builder';

/** torchvision's ImageNet mean and std, the default normalisation inside the network. */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406];
export const IMAGENET_STD = [0.229, 0.224, 0.225];

type Pad = [[number, number], [number, number], [number, number], [number, number]];
const pad = (p: number): Pad => [
  [0, 0],
  [p, p],
  [p, p],
  [0, 0],
];

/** A torchvision Bottleneck ResNet's size. */
export interface BottleneckConfig {
  /** Bottleneck blocks per stage: [3, 4, 6, 3] for 50 layers. */
  blocks: [number, number, number, number];
  /** Planes of the first stage (torchvision: 64); stage s has planes * 2^s, outputs 4x that. */
  planes: number;
  /** torchvision's width_per_group: inner width = planes * widthPerGroup / 64 (128 makes wide_resnet50_2). */
  widthPerGroup: number;
}

/** torchvision's wide_resnet50_2. */
export const WRN_50_2: BottleneckConfig = { blocks: [3, 4, 6, 3], planes: 64, widthPerGroup: 128 };

interface Block {
  name: string;
  cin: number;
  width: number;
  cout: number;
  stride: number;
}

function stages(c: BottleneckConfig): Block[] {
  let cin = c.planes;
  return c.blocks.flatMap((n, s) =>
    Array.from({ length: n }, (_, j) => {
      const planes = c.planes * 2 ** s;
      const b = {
        name: `layer${s + 1}.${j}`,
        cin,
        width: (planes * c.widthPerGroup) / 64,
        cout: 4 * planes,
        stride: j === 0 && s > 0 ? 2 : 1,
      };
      cin = b.cout;
      return b;
    }),
  );
}

const hasDownsample = (b: Block) => b.stride !== 1 || b.cin !== b.cout;

/** torchvision's Bottleneck (v1.5: the stride on the 3x3 conv). */
function block(p: Params, b: Block, x: tf.Tensor4D, bn: BatchNormMode): tf.Tensor4D {
  let h = tf.relu(batchNorm(p, `${b.name}.bn1`, conv(p, `${b.name}.conv1`, x, 1, 'valid', false), bn));
  h = tf.relu(batchNorm(p, `${b.name}.bn2`, conv(p, `${b.name}.conv2`, h, b.stride, pad(1), false), bn));
  h = batchNorm(p, `${b.name}.bn3`, conv(p, `${b.name}.conv3`, h, 1, 'valid', false), bn);
  const shortcut = hasDownsample(b)
    ? batchNorm(p, `${b.name}.downsample.1`, conv(p, `${b.name}.downsample.0`, x, b.stride, 'valid', false), bn)
    : x;
  return tf.relu(tf.add(h, shortcut)) as tf.Tensor4D;
}

/** The same block as graph nodes. */
function blockGraph(g: GraphBuilder, b: Block, x: number): number {
  let h = g.relu(g.batchNorm(g.conv(x, `${b.name}.conv1`, 1, 'valid', false), `${b.name}.bn1`));
  h = g.relu(g.batchNorm(g.conv(h, `${b.name}.conv2`, b.stride, pad(1), false), `${b.name}.bn2`));
  h = g.batchNorm(g.conv(h, `${b.name}.conv3`, 1, 'valid', false), `${b.name}.bn3`);
  const shortcut = hasDownsample(b)
    ? g.batchNorm(g.conv(x, `${b.name}.downsample.0`, b.stride, 'valid', false), `${b.name}.downsample.1`)
    : x;
  return g.relu(g.sum(h, shortcut));
}

export function bottleneckName(c: BottleneckConfig): string {
  if (
    c.blocks.join() === WRN_50_2.blocks.join() &&
    c.planes === WRN_50_2.planes &&
    c.widthPerGroup === WRN_50_2.widthPerGroup
  )
    return 'wrn-50-2';
  return `resnet-${c.blocks.join('.')}-p${c.planes}-w${c.widthPerGroup}`;
}

/** The config a name stands for: "wrn-50-2" or "resnet-<b1>.<b2>.<b3>.<b4>-p<planes>-w<widthPerGroup>". */
export function parseBottleneckName(name: string): BottleneckConfig | undefined {
  if (name === 'wrn-50-2') return WRN_50_2;
  const m = /^resnet-(\d+)\.(\d+)\.(\d+)\.(\d+)-p(\d+)-w(\d+)$/.exec(name);
  return m
    ? {
        blocks: [1, 2, 3, 4].map((i) => Number(m[i])) as BottleneckConfig['blocks'],
        planes: Number(m[5]),
        widthPerGroup: Number(m[6]),
      }
    : undefined;
}

/**
 * A torchvision ResNet of Bottleneck blocks (weight names as its state dict: conv1, bn1,
 * layer{1-4}.{j}.{conv1,bn1,conv2,bn2,conv3,bn3,downsample.0,downsample.1}) with the input
 * normalisation (x - mean) / std inside, as RobustBench's ImageNet models ("normalize.mean/std").
 * g = the globally average-pooled output, 32 * planes wide (2048 for wide_resnet50_2). Any input size.
 */
export function resnetBottleneck(c: BottleneckConfig): Architecture {
  if (c.blocks.some((n) => !Number.isInteger(n) || n < 1) || (c.planes * c.widthPerGroup) % 64 !== 0) {
    throw new RtlabError(
      'input',
      `resnet blocks must be positive integers and planes * widthPerGroup a multiple of 64, got ${JSON.stringify(c)}`,
    );
  }
  const spec = stages(c);
  const width = 32 * c.planes;
  return {
    name: bottleneckName(c),
    inputShape: [224, 224, 3],
    anySize: true,
    featureDim: width,
    init(rng: SeededRng): Record<string, HostTensor> {
      const w: Record<string, HostTensor> = {
        'normalize.mean': { dtype: 'float32', shape: [3], data: Float32Array.from(IMAGENET_MEAN) },
        'normalize.std': { dtype: 'float32', shape: [3], data: Float32Array.from(IMAGENET_STD) },
        ...initConv('conv1', 7, 7, 3, c.planes, rng, false),
        ...initBatchNorm('bn1', c.planes),
      };
      for (const b of spec) {
        Object.assign(
          w,
          initConv(`${b.name}.conv1`, 1, 1, b.cin, b.width, rng, false),
          initBatchNorm(`${b.name}.bn1`, b.width),
        );
        Object.assign(
          w,
          initConv(`${b.name}.conv2`, 3, 3, b.width, b.width, rng, false),
          initBatchNorm(`${b.name}.bn2`, b.width),
        );
        Object.assign(
          w,
          initConv(`${b.name}.conv3`, 1, 1, b.width, b.cout, rng, false),
          initBatchNorm(`${b.name}.bn3`, b.cout),
        );
        if (hasDownsample(b))
          Object.assign(
            w,
            initConv(`${b.name}.downsample.0`, 1, 1, b.cin, b.cout, rng, false),
            initBatchNorm(`${b.name}.downsample.1`, b.cout),
          );
      }
      return w;
    },
    features(p: Params, x: tf.Tensor4D, bn: BatchNormMode): tf.Tensor2D {
      let h = tf.tidy(() => {
        const normalized = tf.div(tf.sub(x, p('normalize.mean')), p('normalize.std')) as tf.Tensor4D;
        const stem = tf.relu(batchNorm(p, 'bn1', conv(p, 'conv1', normalized, 2, pad(3), false), bn));
        // Zero padding equals PyTorch's -inf padding here: the inputs are ReLU outputs, >= 0.
        return tf.maxPool(tf.pad(stem, pad(1)), 3, 2, 'valid');
      });
      for (const b of spec) {
        const previous = h;
        h = tf.tidy(() => block(p, b, previous, bn));
        previous.dispose();
      }
      const pooled = tf.reshape(tf.mean(h, [1, 2]), [h.shape[0], width]) as tf.Tensor2D;
      h.dispose();
      return pooled;
    },
    graph(p: Params) {
      const g = new GraphBuilder(p);
      const normalized = g.normalize(g.input, p('normalize.mean'), p('normalize.std'));
      const stem = g.relu(g.batchNorm(g.conv(normalized, 'conv1', 2, pad(3), false), 'bn1'));
      let h = g.maxPool(g.zeroPad(stem, 1), 3, 2);
      for (const b of spec) h = blockGraph(g, b, h);
      g.globalAvgPool(h);
      return g.build();
    },
  };
}

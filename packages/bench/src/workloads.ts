import { HEAD_BIAS, HEAD_WEIGHT, SeededRng, standaloneContext } from '@rtlab/sdk';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { layerGraphOnnx } from './layer-graph-onnx';
import { inputGradient, OBJECTIVES, pgdLinf, runPgd } from '@rtlab/plugin-attacks';
import {
  Architecture,
  dspritesCnn,
  initHead,
  Network,
  onnxPlugin,
  resnetBottleneck,
  wideResNet,
} from '@rtlab/plugin-models';
import * as tf from '@tensorflow/tfjs-core';

/** A network family and its size, as tools/torch-bench.py builds the same one in PyTorch. */
export type NetworkSpec =
  | { family: 'dsprites-cnn' }
  | { family: 'wide-resnet'; depth: number; widen: number }
  | {
      family: 'resnet-bottleneck';
      blocks: [number, number, number, number];
      planes: number;
      widthPerGroup: number;
      /** 'onnx': the same weights, written to an ONNX file as torch.onnx.export would and run through model/onnx. */
      via?: 'onnx';
    };

/**
 * One timed unit of work, described as data so that the PyTorch reference times exactly the same shapes:
 * - `encode`: g(x) for a batch;
 * - `pgd-step`: one PGD step's work on the CE: forward to the logits of a `classes`-way head and the input
 *   gradient of the summed per-sample cross-entropy (what every PGD step costs, on any objective);
 * - `as-attack`: a whole Linf-PGD attack on ||g(x') - g(x)||_2 (the AS attack), `steps` steps, eps 16/255,
 *   step 0.7 eps, random start.
 */
export interface WorkloadSpec {
  name: string;
  kind: 'encode' | 'pgd-step' | 'as-attack';
  network: NetworkSpec;
  /** [H, W, C] of one image. */
  input: [number, number, number];
  batch: number;
  classes?: number;
  steps?: number;
  /** Input gradients in chunks of this many images (wasm's 4 GiB heap); the same arithmetic as one batch. */
  gradientBatch?: number;
}

/** One workload built on the current backend: run it, count its images, free it. */
export interface Workload {
  name: string;
  images: number;
  run(): Promise<void>;
  dispose(): void;
}

const WRN_34_10: NetworkSpec = { family: 'wide-resnet', depth: 34, widen: 10 };
const RESNET_50: NetworkSpec = { family: 'resnet-bottleneck', blocks: [3, 4, 6, 3], planes: 64, widthPerGroup: 64 };
const DSPRITES: NetworkSpec = { family: 'dsprites-cnn' };

/** `npm run bench`: sized for a CPU (WideResNet-34-10's gradient in chunks of 16 for wasm's heap). */
export const BENCH_WORKLOADS: WorkloadSpec[] = [
  { name: 'dsprites-encode', kind: 'encode', network: DSPRITES, input: [64, 64, 1], batch: 512 },
  { name: 'dsprites-pgd', kind: 'as-attack', network: DSPRITES, input: [64, 64, 1], batch: 512, steps: 20 },
  { name: 'wrn-encode', kind: 'encode', network: WRN_34_10, input: [32, 32, 3], batch: 64 },
  {
    name: 'wrn-pgd-step',
    kind: 'pgd-step',
    network: WRN_34_10,
    input: [32, 32, 3],
    batch: 64,
    classes: 100,
    gradientBatch: 16,
  },
  // torchvision's ResNet-50 at ImageNet's size, native and imported from ONNX (the same weights).
  ...[RESNET_50, { ...RESNET_50, via: 'onnx' as const }].flatMap((network): WorkloadSpec[] => {
    const name = network.via ? 'resnet50-onnx' : 'resnet50';
    return [
      { name: `${name}-encode`, kind: 'encode', network, input: [224, 224, 3], batch: 8 },
      { name: `${name}-pgd-step`, kind: 'pgd-step', network, input: [224, 224, 3], batch: 8, classes: 1000 },
    ];
  }),
];

export function architectureOf(n: NetworkSpec): Architecture {
  if (n.family === 'dsprites-cnn') return dspritesCnn;
  if (n.family === 'wide-resnet') return wideResNet(n.depth, n.widen);
  return resnetBottleneck({ blocks: n.blocks, planes: n.planes, widthPerGroup: n.widthPerGroup });
}

/** The network of a spec, randomly initialised (seed 0); through an ONNX file rtlab writes of it when asked. */
export async function networkOf(spec: WorkloadSpec): Promise<Network> {
  const arch = architectureOf(spec.network);
  const net = Network.fresh(arch, new SeededRng(0));
  if (spec.network.family !== 'resnet-bottleneck' || spec.network.via !== 'onnx') return net;
  const head = initHead(arch.featureDim, spec.classes ?? 10, new SeededRng(1));
  const graph = net.layerGraph();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rtlab-bench-onnx-'));
  try {
    const bytes = await layerGraphOnnx(graph, spec.input, {
      weight: head[HEAD_WEIGHT].data as Float32Array,
      bias: head[HEAD_BIAS].data as Float32Array,
    });
    fs.writeFileSync(path.join(dir, 'net.onnx'), bytes);
    const model = await onnxPlugin.run(
      {},
      { file: 'net.onnx', externalData: [] },
      standaloneContext({ modelRoot: dir }),
    );
    return Network.fromArtifact(model);
  } finally {
    graph.dispose();
    net.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Builds a workload on the current backend: a randomly initialised network in inference mode, random images. */
export async function buildWorkload(spec: WorkloadSpec): Promise<Workload> {
  const arch = architectureOf(spec.network);
  const net = await networkOf(spec);
  const x = tf.randomUniform([spec.batch, ...spec.input], 0, 1, 'float32', 1) as tf.Tensor4D;
  const base = { name: spec.name, images: spec.batch };
  if (spec.kind === 'encode') {
    return {
      ...base,
      run: () => read(() => net.features(x)),
      dispose: () => {
        x.dispose();
        net.dispose();
      },
    };
  }
  if (spec.kind === 'as-attack') {
    const clean = tf.tidy(() => net.features(x));
    const eps = 16 / 255;
    const loss = (xa: tf.Tensor4D) => OBJECTIVES.representation(net, xa, { cleanFeatures: clean });
    const settings = {
      eps,
      steps: spec.steps ?? 20,
      stepSize: 0.7 * eps,
      randomStart: true,
      bounds: [0, 1] as [number, number],
      seed: 2,
      gradientBatch: spec.gradientBatch,
    };
    return {
      ...base,
      run: async () => read(await runPgd(pgdLinf, loss, x, settings)),
      dispose: () => {
        tf.dispose([x, clean]);
        net.dispose();
      },
    };
  }
  const classes = spec.classes ?? 10;
  const head = initHead(arch.featureDim, classes, new SeededRng(1));
  net.setHead(
    tf.tensor2d(head[HEAD_WEIGHT].data, [classes, arch.featureDim]),
    tf.tensor1d(head[HEAD_BIAS].data as Float32Array),
    { task: 'classification' },
  );
  const labels = tf.tensor1d(
    Int32Array.from({ length: spec.batch }, (_, i) => (i * 37) % classes),
    'int32',
  );
  // per-sample CE: the mean's 1/batch does not change the step direction
  const noFeatures = tf.zeros([spec.batch, arch.featureDim]) as tf.Tensor2D;
  const loss = (xa: tf.Tensor4D, start: number) =>
    OBJECTIVES.ce(net, xa, {
      cleanFeatures: tf.slice(noFeatures, [start], [xa.shape[0]]),
      labels: tf.slice(labels, [start], [xa.shape[0]]),
    });
  return {
    ...base,
    run: () => read(() => inputGradient(loss, x, spec.gradientBatch ?? spec.batch)),
    dispose: () => {
      tf.dispose([x, labels, noFeatures]);
      net.dispose();
    },
  };
}

/** Reads the result to the host (so asynchronous backends such as webgpu finish) and frees it. */
async function read(result: tf.Tensor | (() => tf.Tensor)): Promise<void> {
  const t = typeof result === 'function' ? tf.tidy(result) : result;
  await t.data();
  t.dispose();
}

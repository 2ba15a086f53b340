import { selectBackend } from '@rtlab/backends';
import { Artifact, standaloneContext } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { Network } from '../network/network';
import { onnxPlugin, OnnxParams } from '../plugins/onnx-plugin';
import { floatTensor, node, writeOnnx } from '../test-support/onnx-writer';
import { tinyClassifier } from '../test-support/tiny-onnx';

const FIXTURES = path.join(__dirname, '../../fixtures/onnx');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rtlab-onnx-'));
const load = (file: string, p: Partial<OnnxParams> = {}, root = dir) =>
  onnxPlugin.run({}, { file, externalData: [], ...p }, standaloneContext({ modelRoot: root }));

/** g and, with a head, f of a batch, as host arrays. */
function run(model: Artifact, x: tf.Tensor4D): { g: number[]; f?: number[] } {
  const net = Network.fromArtifact(model);
  const g = tf.tidy(() => net.features(x));
  const out = {
    g: Array.from(g.dataSync()),
    f: net.hasHead ? Array.from(tf.tidy(() => net.logits(x)).dataSync()) : undefined,
  };
  g.dispose();
  net.dispose();
  return out;
}

const images = (n: number, h: number, w: number, c: number, seed = 1) =>
  tf.tensor4d(
    Float32Array.from({ length: n * h * w * c }, (_, i) => ((i * 7919 + seed * 104729) % 1000) / 1000),
    [n, h, w, c],
  );

const maxDiff = (a: number[], b: number[]) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe.each(['wasm', 'cpu'] as const)('model/onnx on %s', (backend) => {
  beforeAll(() => selectBackend(backend));

  it('g is the last linear layer\'s input by default, the layer the head; "features" names any value (no head then)', async () => {
    writeOnnx(path.join(dir, 'tiny.onnx'), tinyClassifier());
    const x = images(2, 4, 4, 2);
    const whole = await load('tiny.onnx', { inputShape: [4, 4, 2] });
    expect(whole.meta).toMatchObject({ featureDim: 3, outputs: 2, task: 'classification' });
    const relu = await load('tiny.onnx', { inputShape: [4, 4, 2], features: 'relu' });
    expect(relu.meta).toMatchObject({ featureDim: 48, outputs: 0 });
    // g = relu(conv(x)) flattened in PyTorch's (NCHW) order; its channel means are the default g.
    const flat = run(relu, x).g;
    const means = [0, 1].flatMap((n) =>
      [0, 1, 2].map((c) => flat.slice(n * 48 + c * 16, n * 48 + c * 16 + 16).reduce((a, b) => a + b) / 16),
    );
    expect(maxDiff(means, run(whole, x).g)).toBeLessThan(1e-6);
    const [w, b] = tinyClassifier().initializers!.map((t) => new Float32Array(t.rawData!.slice().buffer));
    const conv = tf.tidy(() => {
      const filter = tf.transpose(tf.tensor4d(w, [3, 2, 3, 3]), [2, 3, 1, 0]) as tf.Tensor4D;
      return tf.relu(tf.add(tf.conv2d(x, filter, 1, 'same'), b));
    });
    expect(maxDiff(Array.from(tf.transpose(conv, [0, 3, 1, 2]).dataSync()), flat)).toBeLessThan(1e-5);
    tf.dispose([x, conv]);
  });

  it('an export for batch 1 runs any batch when it can, and in chunks of 1 where the size is baked in (ViT)', async () => {
    const resnet = await load('resnet.onnx', {}, FIXTURES);
    const vit = await load('vit.onnx', {}, FIXTURES);
    expect((resnet.meta.onnx as { batch: number | null }).batch).toBeNull();
    expect((vit.meta.onnx as { batch: number | null }).batch).toBe(1);
    const x = images(3, 32, 32, 3);
    const together = run(vit, x).g;
    const alone = [0, 1, 2].flatMap((i) => run(vit, tf.slice(x, [i], [1])).g);
    expect(maxDiff(together, alone)).toBeLessThan(1e-6);
    x.dispose();
  });

  it('a batch size baked into the reshape at g, for 1 or 3 images: runs in chunks, one row per image', async () => {
    for (const exported of [1, 3]) {
      const g = tinyClassifier(exported);
      g.initializers!.push({ name: 'merged', dims: [2], dataType: 7, int64Data: [exported, -1] });
      g.nodes.splice(3, 1, node('Reshape', ['pooled', 'merged'], ['flat']));
      writeOnnx(path.join(dir, `baked${exported}.onnx`), g);
      const model = await load(`baked${exported}.onnx`, { inputShape: [4, 4, 2] });
      expect(model.meta).toMatchObject({ featureDim: 3, outputs: 2 });
      expect((model.meta.onnx as { batch: number | null }).batch).toBe(exported);
    }
    // The chunks of 1 give each image its own row, as the graph without the reshape does.
    const x = images(4, 4, 4, 2);
    writeOnnx(path.join(dir, 'tiny.onnx'), tinyClassifier());
    const plain = run(await load('tiny.onnx', { inputShape: [4, 4, 2] }), x);
    expect(maxDiff(run(await load('baked1.onnx'), x).f!, plain.f!)).toBeLessThan(1e-6);
    x.dispose();
  });

  it('mean and std normalise the images before the graph', async () => {
    const mean = [0.4, 0.5, 0.6];
    const std = [0.2, 0.25, 0.3];
    const x = images(2, 32, 32, 3);
    const normalised = await load('resnet.onnx', { mean, std }, FIXTURES);
    const raw = await load('resnet.onnx', {}, FIXTURES);
    const by = tf.tidy(() => tf.div(tf.sub(x, mean), std)) as tf.Tensor4D;
    expect(maxDiff(run(normalised, x).f!, run(raw, by).f!)).toBeLessThan(1e-5);
    tf.dispose([x, by]);
  });

  it('inputShape: required where height and width are dynamic, refused where it contradicts the graph', async () => {
    const g = tinyClassifier();
    g.input.dims = ['N', 2, 'H', 'W'];
    writeOnnx(path.join(dir, 'dynamic.onnx'), g);
    await expect(load('dynamic.onnx')).rejects.toThrow(/has dynamic sizes: set "inputShape" \[H, W, C\]/);
    expect((await load('dynamic.onnx', { inputShape: [6, 5, 2] })).meta.inputShape).toEqual([6, 5, 2]);
    writeOnnx(path.join(dir, 'tiny.onnx'), tinyClassifier());
    await expect(load('tiny.onnx', { inputShape: [4, 4, 3] })).rejects.toThrow(
      /inputShape \[4,4,3\] does not match the graph's input \[N, 2, 4, 4\]/,
    );
  });

  it('weights in an external-data file give the bytes of inline weights', async () => {
    fs.mkdirSync(path.join(dir, 'ext'), { recursive: true });
    const inline = tinyClassifier();
    const w = inline.initializers![0];
    fs.writeFileSync(path.join(dir, 'ext', 'weights.bin'), Buffer.concat([Buffer.alloc(64), Buffer.from(w.rawData!)]));
    writeOnnx(path.join(dir, 'ext', 'inline.onnx'), inline);
    writeOnnx(
      path.join(dir, 'ext', 'external.onnx'),
      tinyClassifier('N', (t) =>
        t.name === 'w'
          ? {
              ...t,
              rawData: undefined,
              dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
              externalData: [
                { key: 'location', value: 'weights.bin' },
                { key: 'offset', value: '64' },
              ],
            }
          : t,
      ),
    );
    const a = await load('ext/inline.onnx', { inputShape: [4, 4, 2] });
    const b = await load('ext/external.onnx', { inputShape: [4, 4, 2], externalData: ['ext/weights.bin'] });
    expect(b.tensors).toEqual(a.tensors);
    expect(onnxPlugin.reads!({ file: 'ext/external.onnx', externalData: ['ext/weights.bin'] })).toEqual([
      { root: 'model', path: 'ext/external.onnx' },
      { root: 'model', path: 'ext/weights.bin' },
    ]);
  });

  it('float16, bfloat16 and float64 weights widen to float32', async () => {
    const half = (v: number) => {
      const f = new Float32Array([v]);
      const bits = new Uint32Array(f.buffer)[0];
      return ((bits >>> 16) & 0x8000) | ((((bits >>> 23) & 0xff) - 112) << 10) | ((bits >>> 13) & 0x3ff);
    };
    const f32 = tinyClassifier().initializers![0];
    const values = Array.from(new Float32Array(f32.rawData!.slice().buffer));
    const as = (dataType: number, raw: ArrayBufferView) => (t: onnx.ITensorProto) =>
      t.name === 'w' ? { ...t, dataType, rawData: new Uint8Array(raw.buffer) } : t;
    const variants: [string, onnx.ITensorProto['dataType'], ArrayBufferView, number][] = [
      ['f64', 11, Float64Array.from(values), 1e-7],
      ['f16', 10, Uint16Array.from(values.map(half)), 2e-3],
      ['bf16', 16, Uint16Array.from(values.map((v) => new Uint32Array(new Float32Array([v]).buffer)[0] >>> 16)), 1e-2],
    ];
    const x = images(2, 4, 4, 2);
    const reference = run(await load('tiny.onnx', { inputShape: [4, 4, 2] }), x).g;
    for (const [name, dataType, raw, tolerance] of variants) {
      writeOnnx(path.join(dir, `${name}.onnx`), tinyClassifier('N', as(dataType!, raw)));
      expect(maxDiff(run(await load(`${name}.onnx`), x).g, reference)).toBeLessThan(tolerance * 4);
    }
    x.dispose();
  });

  it('BatchNormalization: running statistics as exported; batch statistics (and their update) while training', async () => {
    const g = tinyClassifier();
    g.initializers!.push(
      floatTensor('bn.scale', [3], [1.5, 0.5, 2]),
      floatTensor('bn.bias', [3], [0.1, -0.2, 0.3]),
      floatTensor('bn.mean', [3], [0.2, -0.1, 0.4]),
      floatTensor('bn.var', [3], [2, 0.5, 1]),
    );
    g.nodes.splice(
      1,
      0,
      node('BatchNormalization', ['conv', 'bn.scale', 'bn.bias', 'bn.mean', 'bn.var'], ['bn'], { epsilon: 1e-3 }),
    );
    g.nodes[2] = node('Relu', ['bn'], ['relu']);
    writeOnnx(path.join(dir, 'bn.onnx'), g);
    const withBn = await load('bn.onnx', { features: 'bn' });
    const plain = await load('tiny.onnx', { features: 'conv' });
    const x = images(4, 4, 4, 2);
    const conv = run(plain, x).g;
    const [scale, bias, mean, variance] = [
      [1.5, 0.5, 2],
      [0.1, -0.2, 0.3],
      [0.2, -0.1, 0.4],
      [2, 0.5, 1],
    ];
    const expected = conv.map((v, i) => {
      const c = Math.floor(i / 16) % 3;
      return (v - mean[c]) * (scale[c] / Math.sqrt(variance[c] + 1e-3)) + bias[c];
    });
    expect(maxDiff(run(withBn, x).g, expected)).toBeLessThan(1e-5);
    const net = Network.fromArtifact(withBn);
    const bn = { training: true, updates: [] };
    const g1 = tf.tidy(() => net.features(x, bn));
    const c0 = conv.filter((_, i) => Math.floor(i / 16) % 3 === 0);
    const mu = c0.reduce((a, b) => a + b) / c0.length;
    net.applyBatchNormUpdates(bn);
    expect(Array.from(net.param('bn0.running_mean').dataSync())[0]).toBeCloseTo(0.9 * 0.2 + 0.1 * mu, 5);
    tf.dispose([g1, x]);
    net.dispose();
  });
});

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@rtlab/backends';
import { Artifact, datasetArtifact, decodeSafetensors, SeededRng, standaloneContext } from '@rtlab/sdk';
import { dspritesCnn, Network, wideResNet, wideResNetPlugin } from '@rtlab/plugin-models';
import { SgdMomentum } from '../optim/sgd-momentum';
import { finetuneLoss, finetuneStep } from '../train/finetune-step';
import { FinetuneParams, finetunePlugin } from './finetune';

const FIXTURES = path.join(__dirname, '../../../plugin-models/fixtures/torch');
const wrn = (checkpoint: string) =>
  wideResNetPlugin.run({}, { depth: 10, widen: 2, checkpoint }, standaloneContext({ modelRoot: FIXTURES }));

// On wasm only: tfjs's cpu backend takes minutes for these backward convolutions; the gradient check below covers it.
describe('fine-tuning against PyTorch, on wasm', () => {
  beforeAll(() => selectBackend('wasm'));

  it("two SGD steps (momentum, weight decay, batch norm in training mode) match PyTorch's to 1e-4", async () => {
    const net = Network.fromArtifact(await wrn('wrn-10-2.pt'));
    const io = decodeSafetensors(fs.readFileSync(path.join(FIXTURES, 'wrn-10-2.sgd.io.safetensors'))).tensors;
    const optimizer = new SgdMomentum(0.9, 5e-4);
    const before = tf.memory().numTensors;
    const batch = 8 * 32 * 32 * 3; // the fixture's batches: 8 CIFAR images each
    for (let s = 0; s < 2; s++) {
      const x = tf.tensor4d(io.input.data.subarray(s * batch, (s + 1) * batch) as Float32Array, [8, 32, 32, 3]);
      const y = tf.tensor1d(io.labels.data.subarray(s * 8, (s + 1) * 8) as Int32Array, 'int32');
      await finetuneStep(net, { part: 'all' }, optimizer, x, y, 'classification', 0.05);
      tf.dispose([x, y]);
    }
    expect(tf.memory().numTensors - before).toBe(net.trainable('all').length); // only the momentum buffers remain
    const [ours, torch] = [await net.toArtifact(), await wrn('wrn-10-2.sgd.safetensors')];
    const names = Object.keys(torch.tensors);
    expect(names.length).toBeGreaterThan(30);
    for (const name of names) {
      const [a, b] = [ours.tensors[name].data, torch.tensors[name].data];
      let worst = 0;
      for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
      expect([name, worst < 1e-4 ? 'within 1e-4' : worst]).toEqual([name, 'within 1e-4']);
    }
    optimizer.dispose();
    net.dispose();
  }, 60_000);
});

describe.each(['cpu', 'wasm'] as const)('fine-tuning gradients on %s', (backend) => {
  beforeAll(() => selectBackend(backend));

  it('the loss gradient of every kind of parameter matches central finite differences (batch norm in training mode)', async () => {
    const start = tf.memory().numTensors;
    const net = Network.fresh(wideResNet(10, 1), new SeededRng(3));
    const x = tf.randomUniform([4, 8, 8, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    const y = tf.tensor1d([0, 3, 7, 9], 'int32');
    net.setHead(tf.randomNormal([10, 64], 0, 0.5, 'float32', 6) as tf.Tensor2D, tf.zeros([10]) as tf.Tensor1D, {
      task: 'classification',
    });
    const loss = () => {
      const value = tf.tidy(() => finetuneLoss(net.logits(x, { training: true }), y, 'classification'));
      const v = value.dataSync()[0];
      value.dispose();
      return v;
    };
    const setTo = (v: tf.Variable, data: Float32Array) => tf.tidy(() => v.assign(tf.tensor(data, v.shape)));
    const vars = net.trainable('all');
    const { value, grads } = tf.variableGrads(
      () => finetuneLoss(net.logits(x, { training: true }), y, 'classification'),
      vars,
    );
    const picks = [
      'conv1.weight',
      'block1.layer.0.bn1.weight',
      'block2.layer.0.convShortcut.weight',
      'block3.layer.0.bn2.bias',
      'bn1.weight',
      'head.weight',
      'head.bias',
    ];
    const h = 1e-3;
    for (const name of picks) {
      const v = net.param(name);
      const g = Array.from(await grads[v.name].data());
      const largest = Math.max(...g.map(Math.abs));
      const i = g.findIndex((gi) => Math.abs(gi) === largest); // the largest component: well above float32 noise
      const values = (await v.data()) as Float32Array;
      const at = (delta: number) => {
        const moved = values.slice();
        moved[i] += delta;
        setTo(v, moved);
        return loss();
      };
      const numeric = (at(h) - at(-h)) / (2 * h);
      setTo(v, values);
      expect([
        name,
        Math.abs(numeric - g[i]) <= Math.max(1e-3, 0.01 * Math.abs(g[i])) ? 'agrees' : `${numeric} vs ${g[i]}`,
      ]).toEqual([name, 'agrees']);
    }
    tf.dispose([x, y, value, ...Object.values(grads)]);
    net.dispose();
    expect(tf.memory().numTensors).toBe(start);
  }, 60_000);
});

describe('finetune/network', () => {
  beforeAll(() => selectBackend('wasm'));
  const n = 24;
  const rng = new SeededRng(8);
  const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
  const data = datasetArtifact({
    images: Uint8Array.from({ length: n * 4096 }, (_, j) =>
      rng.uniform() < 0.05 + 0.1 * labels[Math.floor(j / 4096)] ? 255 : 0,
    ),
    imageShape: [64, 64, 1],
    labels,
    meta: { name: 'dots', classes: ['sparse', 'medium', 'dense'] },
  });
  const pretrained = async () => {
    const net = Network.fresh(dspritesCnn, new SeededRng(1));
    const a = await net.toArtifact();
    net.dispose();
    return a;
  };
  const params = (p: Partial<FinetuneParams>): FinetuneParams => ({
    mode: 'ft',
    task: 'classification',
    epochs: 2,
    batchSize: 8,
    optimizer: 'sgd',
    lr: 0.01,
    momentum: 0.9,
    weightDecay: 5e-4,
    schedule: 'cosine',
    ...p,
  });
  const changed = (a: Artifact, b: Artifact, name: string) =>
    Array.from(a.tensors[name].data).some((v, i) => v !== b.tensors[name].data[i]);

  it.each([
    ['ft', 2, true, true],
    ['lp-ft', 3, true, true],
    ['lp-train-mode', 2, false, true],
  ] as const)(
    '%s: trains %i epochs; conv weights %s changed, batch-norm statistics %s updated; a new head; nothing leaked',
    async (mode, epochs, convs, stats) => {
      const model = await pretrained();
      const modelMeta = structuredClone(model.meta);
      const before = tf.memory().numTensors;
      const out = await finetunePlugin.run({ model, data }, params({ mode }), standaloneContext({ seed: 2 }));
      expect(tf.memory().numTensors).toBe(before);
      // the input is untouched: a worker thread keeps it for the next job that reads it
      expect(model.meta).toEqual(modelMeta);
      expect(out.meta).toMatchObject({
        finetune: mode,
        task: 'classification',
        outputs: 3,
        classes: ['sparse', 'medium', 'dense'],
      });
      const training = out.meta.training as { loss: number[]; accuracy: number[] };
      expect([training.loss.length, training.accuracy.length]).toEqual([epochs, epochs]);
      expect(changed(out, model, 'c1.weight')).toBe(convs);
      expect(changed(out, model, 'b1.running_mean')).toBe(stats);
      expect(out.tensors['head.weight'].shape).toEqual([3, dspritesCnn.featureDim]);
      if (mode === 'lp-ft') expect(out.meta.lpEpochs).toBe(2);
    },
    60_000,
  );

  it('the same seed gives the same network, another seed another one (head initialisation, batch order)', async () => {
    const model = await pretrained();
    const run = (seed: number) =>
      finetunePlugin.run({ model, data }, params({ epochs: 1 }), standaloneContext({ seed }));
    const [a, b, c] = [await run(4), await run(4), await run(5)];
    expect(Array.from(a.tensors['c2.weight'].data)).toEqual(Array.from(b.tensors['c2.weight'].data));
    expect(Array.from(a.tensors['c2.weight'].data)).not.toEqual(Array.from(c.tensors['c2.weight'].data));
  }, 60_000);
});

import { selectBackend } from '@rtlab/backends';
import { SeededRng, standaloneContext } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runGraph } from '../graph/layer-graph';
import { Network } from '../network/network';
import { onnxPlugin } from '../plugins/onnx-plugin';
import { ONNX_FIXTURES } from '../test-support/onnx-reference';
import { floatTensor, node, writeOnnx } from '../test-support/onnx-writer';
import { tinyClassifier } from '../test-support/tiny-onnx';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rtlab-onnx-graph-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const load = (file: string, root: string) =>
  onnxPlugin.run({}, { file, externalData: [] }, standaloneContext({ modelRoot: root }));

function images(n: number, [h, w, c]: number[]): tf.Tensor4D {
  const rng = new SeededRng(5);
  return tf.tensor4d(
    Float32Array.from({ length: n * h * w * c }, () => rng.uniform()),
    [n, h, w, c],
  );
}

/** max |graph - features| / max |features| on three images, and the tensors left allocated. */
async function graphAgainstFeatures(file: string, root: string): Promise<{ error: number; leaked: number }> {
  const net = Network.fromArtifact(await load(file, root));
  const x = images(3, net.meta.inputShape);
  const before = tf.memory().numTensors;
  const graph = net.layerGraph();
  const [a, b] = [runGraph(graph, x), tf.tidy(() => net.features(x))];
  const [ga, fb] = [a.dataSync() as Float32Array, b.dataSync() as Float32Array];
  graph.dispose();
  tf.dispose([a, b]);
  const leaked = tf.memory().numTensors - before;
  x.dispose();
  net.dispose();
  const scale = Math.max(...Array.from(fb, Math.abs));
  return { error: ga.reduce((m, v, i) => Math.max(m, Math.abs(v - fb[i])), 0) / scale, leaked };
}

describe.each(['wasm', 'cpu'] as const)(
  'an imported network as a layer graph (for IBP and CROWN), on %s',
  (backend) => {
    beforeAll(() => selectBackend(backend));

    it.each(['resnet', 'wide-resnet', 'resnet-1.2.1.1-p4-w32'])('%s: the graph computes g', async (family) => {
      const r = await graphAgainstFeatures(`${family}.onnx`, ONNX_FIXTURES);
      expect(r.leaked).toBe(0);
      expect(r.error).toBeLessThan(1e-5);
    });

    it('batch norm, per-channel Mul and Add, average pooling and a dense layer inside g', async () => {
      const g = tinyClassifier();
      g.initializers!.push(
        floatTensor('bn.s', [3], [1.5, -0.7, 0.9]),
        floatTensor('bn.o', [3], [0.1, 0.2, -0.3]),
        floatTensor('bn.m', [3], [0.2, -0.1, 0.4]),
        floatTensor('bn.v', [3], [2, 0.5, 1]),
        floatTensor('scale', [1, 3, 1, 1], [2, -1, 0.5]),
        floatTensor('inner.weight', [4, 3], [1, -1, 0.5, 0.2, 0.3, -0.7, 1, 1, 1, -0.4, 0.8, 0.1]),
        floatTensor('inner.bias', [4], [0.1, -0.2, 0.3, 0]),
        floatTensor('fc.weight', [2, 4], [1, 0, -1, 0.5, 0.2, 0.4, 0.6, -0.8]),
      );
      g.initializers!.push({ name: 'shift', dims: [], dataType: 1, floatData: [0.25] });
      g.nodes = [
        node('Conv', ['input', 'w', 'b'], ['conv'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }),
        node('BatchNormalization', ['conv', 'bn.s', 'bn.o', 'bn.m', 'bn.v'], ['bn']),
        node('Relu', ['bn'], ['relu']),
        node('AveragePool', ['relu'], ['pool'], { kernel_shape: [2, 2], strides: [2, 2] }),
        node('Mul', ['pool', 'scale'], ['scaled']),
        node('Add', ['shift', 'scaled'], ['shifted']),
        node('GlobalAveragePool', ['shifted'], ['pooled']),
        node('Flatten', ['pooled'], ['flat']),
        node('Gemm', ['flat', 'inner.weight', 'inner.bias'], ['inner'], { transB: 1 }),
        node('Relu', ['inner'], ['hidden']),
        node('Gemm', ['hidden', 'fc.weight', 'fc.bias'], ['logits'], { transB: 1 }),
      ];
      writeOnnx(path.join(dir, 'layers.onnx'), g);
      const r = await graphAgainstFeatures('layers.onnx', dir);
      expect(r.leaked).toBe(0);
      expect(r.error).toBeLessThan(1e-5);
    });

    it('what bounds cannot follow is an error naming the node, and leaves nothing allocated', async () => {
      const refused = async (file: string, root: string) => {
        const net = Network.fromArtifact(await load(file, root));
        const before = tf.memory().numTensors;
        let message = '';
        try {
          net.layerGraph().dispose();
        } catch (e) {
          message = (e as Error).message;
        }
        expect(tf.memory().numTensors).toBe(before);
        net.dispose();
        return message;
      };
      expect(await refused('mobilenet-v2.onnx', ONNX_FIXTURES)).toMatch(
        /^ONNX node ".*" \(Clip\): bounds \(IBP, CROWN\) do not follow it; they cover Conv, /,
      );
      expect(await refused('resnext.onnx', ONNX_FIXTURES)).toMatch(
        /\(Conv\): bounds cover ungrouped convolutions only/,
      );
      expect(await refused('vit.onnx', ONNX_FIXTURES)).toMatch(/\(Reshape\): bounds \(IBP, CROWN\) do not follow it/);
      const g = tinyClassifier();
      g.nodes.splice(
        1,
        1,
        node('MaxPool', ['conv'], ['relu'], { kernel_shape: [2, 2], pads: [1, 1, 1, 1], strides: [1, 1] }, 'pool1'),
      );
      writeOnnx(path.join(dir, 'padded-pool.onnx'), g);
      const broadcast = tinyClassifier();
      broadcast.nodes.splice(
        3,
        1,
        node('Add', ['relu', 'pooled'], ['sum'], {}, 'add1'),
        node('GlobalAveragePool', ['sum'], ['pooled2']),
        node('Flatten', ['pooled2'], ['flat'], { axis: 1 }),
      );
      writeOnnx(path.join(dir, 'broadcast-add.onnx'), broadcast);
      expect(await refused('broadcast-add.onnx', dir)).toMatch(
        /"add1" \(Add\): bounds need a sum of values of one shape, got \[1,3,4,4\] and \[1,3,1,1\]/,
      );
      expect(await refused('padded-pool.onnx', dir)).toMatch(
        /"pool1" \(MaxPool\): bounds need a padded MaxPool to follow a ReLU/,
      );
    });
  },
);

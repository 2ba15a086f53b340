import { selectBackend } from '@rtlab/backends';
import { SeededRng } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';
import { Architecture } from '../architectures/architecture';
import { dspritesCnn } from '../architectures/dsprites-cnn';
import { resnetBottleneck } from '../architectures/resnet-bottleneck';
import { wideResNet } from '../architectures/wide-resnet';
import { Network } from '../network/network';
import { runGraph } from './layer-graph';

/** Perturbs batch-norm statistics so the folded affine maps are not identities. */
async function withStatistics(arch: Architecture): Promise<Network> {
  const net = Network.fresh(arch, new SeededRng(4));
  const a = await net.toArtifact();
  net.dispose();
  const rng = new SeededRng(5);
  for (const [name, t] of Object.entries(a.tensors))
    if (/running_var|running_mean|bn\d?\.(weight|bias)|b\d\.(weight|bias)/.test(name))
      t.data = Float32Array.from(t.data, (v) => (name.includes('var') ? 0.5 + rng.uniform() : v + 0.3 * rng.normal()));
  return Network.fromArtifact(a);
}

describe.each(['cpu', 'wasm'] as const)('each architecture as a layer graph, on %s', (backend) => {
  beforeAll(() => selectBackend(backend));

  it.each([
    ['dsprites-cnn', dspritesCnn, [2, 64, 64, 1]],
    ['wrn-10-1', wideResNet(10, 1), [2, 8, 8, 3]],
    ['resnet-1.1.1.1-p8', resnetBottleneck({ blocks: [1, 1, 1, 1], planes: 8, widthPerGroup: 64 }), [2, 32, 32, 3]],
  ] as const)('%s: the graph computes g(x) as features() does', async (_, arch, shape) => {
    const net = await withStatistics(arch);
    const before = tf.memory().numTensors;
    const x = tf.randomUniform([...shape], 0, 1, 'float32', 3) as tf.Tensor4D;
    const graph = net.layerGraph();
    const [viaGraph, direct] = [runGraph(graph, x), tf.tidy(() => net.features(x))];
    const [a, b] = [await viaGraph.data(), await direct.data()];
    const scale = Math.max(...Array.from(b, Math.abs));
    expect(Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]))) / scale).toBeLessThan(1e-5);
    tf.dispose([x, viaGraph, direct]);
    graph.dispose();
    expect(tf.memory().numTensors).toBe(before);
    net.dispose();
  });
});

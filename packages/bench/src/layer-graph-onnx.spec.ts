import { selectBackend } from '@rtlab/backends';
import { SeededRng } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';
import { networkOf, WorkloadSpec } from './workloads';

describe("the bench's ONNX rows: a network imported from the ONNX file rtlab writes of it", () => {
  beforeAll(() => selectBackend('wasm'));

  it("has the native network's features (batch norm folded into the convolutions, as torch.onnx.export does)", async () => {
    const network = {
      family: 'resnet-bottleneck' as const,
      blocks: [1, 2, 1, 1] as [number, number, number, number],
      planes: 4,
      widthPerGroup: 64,
    };
    const spec = (via?: 'onnx'): WorkloadSpec => ({
      name: 'x',
      kind: 'encode',
      network: { ...network, via },
      input: [40, 40, 3],
      batch: 3,
    });
    const rng = new SeededRng(2);
    const x = tf.tensor4d(
      Float32Array.from({ length: 3 * 40 * 40 * 3 }, () => rng.uniform()),
      [3, 40, 40, 3],
    );
    const [native, imported] = await Promise.all([networkOf(spec()), networkOf(spec('onnx'))]);
    expect(imported.meta.onnx).toBeDefined();
    const [a, b] = [native, imported].map((n) => tf.tidy(() => n.features(x)).dataSync());
    const scale = Math.max(...Array.from(a, Math.abs));
    expect(a.length).toBe(3 * 4 * 32);
    a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(1e-5 * scale));
    [native, imported].forEach((n) => n.dispose());
    x.dispose();
  });
});

import { selectBackend } from '@rtlab/backends';
import { onnxPlugin, resnetBottleneckPlugin } from '@rtlab/plugin-models';
import { Artifact, datasetArtifact, SeededRng, standaloneContext } from '@rtlab/sdk';
import * as path from 'node:path';
import { boundPlugin, BoundParams } from './bound-plugin';

// One network two ways (tools/make-onnx-fixtures.py exported the checkpoint of make-torch-fixtures.py):
// the bounds of an imported network are those of the same network through model/resnet-bottleneck.
const FIXTURES = path.join(__dirname, '../../../plugin-models/fixtures');
const NAME = 'resnet-1.2.1.1-p4-w32';
const rng = new SeededRng(8);
const data = datasetArtifact({
  images: Uint8Array.from({ length: 2 * 40 * 40 * 3 }, () => rng.int(256)),
  imageShape: [40, 40, 3],
  labels: Int32Array.from([1, 4]),
  meta: { name: 'noise', classes: Array.from({ length: 7 }, (_, i) => `c${i}`) },
});
const params = (p: Partial<BoundParams> = {}): BoundParams => ({
  norm: 'linf',
  eps: 1 / 255,
  bounds: [0, 1],
  batchSize: 2,
  maxCoefficients: 1 << 22,
  crownUnstableLimit: 1024,
  ...p,
});

describe.each(['wasm', 'cpu'] as const)('bound/* on an imported ONNX ResNet, on %s', (backend) => {
  let viaOnnx: Artifact;
  let viaCheckpoint: Artifact;
  beforeAll(async () => {
    await selectBackend(backend);
    const ctx = standaloneContext({ modelRoot: FIXTURES });
    viaOnnx = await onnxPlugin.run({}, { file: `onnx/${NAME}.onnx`, externalData: [] }, ctx);
    viaCheckpoint = await resnetBottleneckPlugin.run(
      {},
      {
        blocks: [1, 2, 1, 1],
        planes: 4,
        widthPerGroup: 32,
        mean: [0, 0, 0],
        std: [1, 1, 1],
        checkpoint: `torch/${NAME}.pt`,
      },
      ctx,
    );
  });

  // CROWN-IBP on wasm only: its backward passes take half a minute on the cpu backend.
  const cases = [['ibp', 'linf'], ['ibp', 'l2'], ...(backend === 'wasm' ? [['crown-ibp', 'linf']] : [])] as const;
  it.each(cases as readonly (readonly ['ibp' | 'crown-ibp', 'linf' | 'l2'])[])(
    '%s (%s): the AS_i upper bounds and certified margins of model/resnet-bottleneck',
    async (method, norm) => {
      const [a, b] = await Promise.all(
        [viaOnnx, viaCheckpoint].map((model) =>
          boundPlugin(method).run({ model, data }, params({ norm }), standaloneContext()),
        ),
      );
      for (const name of ['asUpper', 'marginLower']) {
        const [x, y] = [a.tensors[name].data, b.tensors[name].data];
        expect(x.length).toBe(2);
        x.forEach((v, i) => expect(Math.abs(v - y[i])).toBeLessThanOrEqual(1e-3 * Math.abs(y[i]) + 1e-5));
      }
    },
  );
});

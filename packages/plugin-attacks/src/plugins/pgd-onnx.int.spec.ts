import { selectBackend } from '@rtlab/backends';
import { Artifact, datasetArtifact, SeededRng, standaloneContext } from '@rtlab/sdk';
import { onnxPlugin, resnetBottleneckPlugin } from '@rtlab/plugin-models';
import * as path from 'node:path';
import { attackResultView } from '../attack-result';
import { pgdL2 } from '../pgd/pgd-l2';
import { pgdLinf } from '../pgd/pgd-linf';
import { pgdPlugin, PgdParams } from './pgd-plugin';

// One network two ways: tools/make-onnx-fixtures.py exported the Bottleneck ResNet whose state dict
// tools/make-torch-fixtures.py saved, so model/onnx and model/resnet-bottleneck load the same weights.
const FIXTURES = path.join(__dirname, '../../../plugin-models/fixtures');
const NAME = 'resnet-1.2.1.1-p4-w32';

function images(n: number): Artifact {
  const rng = new SeededRng(3);
  return datasetArtifact({
    images: Uint8Array.from({ length: n * 40 * 40 * 3 }, () => rng.int(256)),
    imageShape: [40, 40, 3],
    labels: Int32Array.from({ length: n }, (_, i) => i % 7),
    meta: { name: 'noise', classes: Array.from({ length: 7 }, (_, i) => `c${i}`) },
  });
}

const params = (p: Partial<PgdParams>): PgdParams => ({
  objective: 'ce',
  eps: 4 / 255,
  steps: 10,
  relStepsize: 0.25,
  randomStart: true,
  bounds: [0, 1],
  batchSize: 3,
  saveInputs: false,
  ...p,
});

describe.each(['wasm', 'cpu'] as const)(
  'PGD on an imported ONNX ResNet equals PGD through model/resnet-bottleneck, on %s',
  (backend) => {
    let viaOnnx: Artifact;
    let viaCheckpoint: Artifact;
    const data = images(5);
    beforeAll(async () => {
      await selectBackend(backend);
      viaOnnx = await onnxPlugin.run(
        {},
        { file: `onnx/${NAME}.onnx`, externalData: [] },
        standaloneContext({ modelRoot: FIXTURES }),
      );
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
        standaloneContext({ modelRoot: FIXTURES }),
      );
    });

    // L2 steps are continuous in the gradient: equal to 1e-4. Linf steps take its sign, so a rounding
    // difference at a near-zero component (the exported graph has batch norm folded into the convolutions)
    // moves one pixel by 2 eps and the following steps carry it on: equal to 1e-2, as cpu and wasm are.
    it.each([
      ['L2, representation objective', pgdL2, { objective: 'representation' as const, eps: 0.5 }, 1e-4],
      ['Linf, cross-entropy', pgdLinf, {}, 1e-2],
    ])('%s: the same losses and distances', async (_name, attack, p, tolerance) => {
      const [a, b] = await Promise.all(
        [viaOnnx, viaCheckpoint].map(async (model) =>
          attackResultView(await pgdPlugin(attack).run({ model, data }, params(p), standaloneContext({ seed: 9 }))),
        ),
      );
      expect(a.lossAdv.length).toBe(5);
      a.lossAdv.forEach((v, i) =>
        expect(Math.abs(v - b.lossAdv[i])).toBeLessThanOrEqual(tolerance * Math.abs(b.lossAdv[i])),
      );
      a.repDistance.forEach((v, i) =>
        expect(Math.abs(v - b.repDistance[i])).toBeLessThanOrEqual(tolerance * Math.abs(b.repDistance[i])),
      );
    });
  },
);

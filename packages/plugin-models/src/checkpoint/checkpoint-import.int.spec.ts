import { selectBackend } from '@rtlab/backends';
import { Artifact, decodeSafetensors, HostTensor, standaloneContext } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Network } from '../network/network';
import { resnetBottleneckPlugin, ResnetBottleneckParams } from '../plugins/resnet-bottleneck-plugin';
import { wideResNetPlugin } from '../plugins/wide-resnet-plugin';

// Checkpoints, inputs and PyTorch outputs made by tools/make-torch-fixtures.py (torch 1.13, CPU).
const FIXTURES = path.join(__dirname, '../../fixtures/torch');
const ctx = standaloneContext({ modelRoot: FIXTURES });
const io = (name: string) => decodeSafetensors(fs.readFileSync(path.join(FIXTURES, `${name}.io.safetensors`))).tensors;
const wrn = (checkpoint: string, depth = 10, widen = 2) => wideResNetPlugin.run({}, { depth, widen, checkpoint }, ctx);
const resnet = (checkpoint: string, p: Partial<ResnetBottleneckParams> = {}) =>
  resnetBottleneckPlugin.run(
    {},
    { blocks: [1, 2, 1, 1], planes: 4, widthPerGroup: 32, mean: [0, 0, 0], std: [1, 1, 1], checkpoint, ...p },
    ctx,
  );

/** max |ours - theirs| / max |theirs|: the relative error of the whole output. */
function relativeError(ours: Float32Array, theirs: HostTensor): number {
  const scale = Math.max(...Array.from(theirs.data, Math.abs));
  return ours.reduce((m, v, i) => Math.max(m, Math.abs(v - theirs.data[i])), 0) / scale;
}

function outputs(model: Artifact, input: HostTensor): { features: Float32Array; logits: Float32Array } {
  const net = Network.fromArtifact(model);
  const before = tf.memory().numTensors;
  const x = tf.tensor4d(input.data as Float32Array, input.shape as [number, number, number, number]);
  const [f, z] = tf.tidy(() => [net.features(x), net.logits(x)]);
  const out = { features: f.dataSync() as Float32Array, logits: z.dataSync() as Float32Array };
  tf.dispose([x, f, z]);
  expect(tf.memory().numTensors).toBe(before);
  net.dispose();
  return out;
}

describe("PyTorch checkpoint import: features and logits equal PyTorch's to 1e-4 relative", () => {
  beforeAll(() => selectBackend('wasm'));

  it('RobustBench WideResNet from a .pt nested under "state_dict" with "module." prefixes', async () => {
    const model = await wrn('wrn-10-2.pt');
    expect(model.meta).toMatchObject({ architecture: 'wrn-10-2', featureDim: 128, outputs: 5, task: 'classification' });
    const ref = io('wrn-10-2');
    const ours = outputs(model, ref.input);
    expect(relativeError(ours.features, ref.features)).toBeLessThan(1e-4);
    expect(relativeError(ours.logits, ref.logits)).toBeLessThan(1e-4);
  });

  it('half-precision weights widen to float32 (within half precision)', async () => {
    const ref = io('wrn-10-2');
    expect(relativeError(outputs(await wrn('wrn-10-2.half.pt'), ref.input).features, ref.features)).toBeLessThan(2e-2);
  });

  it.each(['resnet-1.2.1.1-p4-w32.pt', 'resnet-1.2.1.1-p4-w32.safetensors'])(
    "torchvision Bottleneck ResNet with RobustBench's normalize/model wrapper: %s",
    async (file) => {
      const model = await resnet(file);
      expect(model.meta).toMatchObject({ architecture: 'resnet-1.2.1.1-p4-w32', featureDim: 128, outputs: 7 });
      // The checkpoint's normalize.mean/std replace the params (given as identity here).
      expect(Array.from(model.tensors['normalize.mean'].data)).toEqual(
        Array.from(Float32Array.from([0.485, 0.456, 0.406])),
      );
      const ref = io('resnet-1.2.1.1-p4-w32');
      const ours = outputs(model, ref.input);
      expect(relativeError(ours.features, ref.features)).toBeLessThan(1e-4);
      expect(relativeError(ours.logits, ref.logits)).toBeLessThan(1e-4);
    },
  );
});

describe('checkpoint import rejects bad files with what is wrong', () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'rtlab-ckpt-'));
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
  const write = (name: string, bytes: Uint8Array | string) => {
    fs.writeFileSync(path.join(scratch, name), bytes);
    return path.join(scratch, name);
  };
  const pt = fs.readFileSync(path.join(FIXTURES, 'wrn-10-2.pt'));

  it('missing, unexpected and mis-shaped keys are listed', async () => {
    await expect(wrn('wrn-10-2.pt', 16, 2)).rejects.toThrow(
      /missing: block1\.layer\.1\.bn1\.weight.*unexpected|missing: .*block1\.layer\.1/,
    );
    await expect(wrn('wrn-10-2.pt', 10, 1)).rejects.toThrow(
      /wrong shape: block1\.layer\.0\.conv1\.weight: expected \[3,3,16,16\], got \[3,3,16,32\]/,
    );
    await expect(resnet('resnet-1.2.1.1-p4-w32.pt', { blocks: [1, 1, 1, 1] })).rejects.toThrow(
      /unexpected: layer2\.1\.conv1\.weight/,
    );
  });

  it('a truncated zip, a legacy file, an HTML page and a file of another kind get their own message', async () => {
    await expect(wrn(write('cut.pt', pt.subarray(0, pt.length / 2)))).rejects.toThrow(
      /cut\.pt: truncated or corrupt zip/,
    );
    await expect(resnet('resnet-1.2.1.1-p4-w32.legacy.pt')).rejects.toThrow(/legacy \(pre-1\.6\) torch\.save file/);
    await expect(wrn(write('page.pt', '<!DOCTYPE html><html><body>Sign in to continue</body></html>'))).rejects.toThrow(
      /page\.pt: not a checkpoint \(it is an HTML page/,
    );
    await expect(wrn(write('weights.npz', Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0])))).rejects.toThrow(
      /not a checkpoint; expected a PyTorch \.pt zip/,
    );
    await expect(wrn(path.join(scratch, 'absent.pt'))).rejects.toThrow(/checkpoint .*absent\.pt not found/);
    await expect(wrn('whole-module.pt')).rejects.toThrow(
      /whole-module\.pt: holds a pickled torch\.nn\.modules\.linear\.Linear \(a whole model\?\), not a state dict; save model\.state_dict\(\) instead/,
    );
  });

  it('a safetensors file with an extra tensor is rejected, naming it', async () => {
    const { tensors } = decodeSafetensors(fs.readFileSync(path.join(FIXTURES, 'resnet-1.2.1.1-p4-w32.safetensors')));
    const { encodeSafetensors } = await import('@rtlab/sdk');
    const file = write(
      'extra.safetensors',
      encodeSafetensors({ ...tensors, 'model.extra.weight': tensors['model.fc.bias'] }),
    );
    await expect(resnet(file)).rejects.toThrow(/unexpected: extra\.weight/);
  });
});

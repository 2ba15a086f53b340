import { datasetView, imageBatch, standaloneContext } from '@rtlab/sdk';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pixel, writeCifar10, writeCifar100 } from '../test-support/dataset-files';
import { cifar100Plugin, cifar10Plugin, CifarParams } from './cifar-plugin';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rtlab-cifar-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
writeCifar10(root, 4);
writeCifar100(root, 7);

const p10 = (p: Partial<CifarParams> = {}): CifarParams => ({
  dir: 'cifar-10-batches-bin',
  split: 'train',
  grayscaleToRgb: false,
  ...p,
});
const ctx = (dataRoot = root) => standaloneContext({ seed: 3, dataRoot });

describe('load/cifar10 and load/cifar100 (binary version)', () => {
  it('reads every training batch in order, channel-major records as HWC, with labels and class names', async () => {
    const d = datasetView(await cifar10Plugin.run({}, p10(), ctx()));
    expect([d.count, ...d.imageShape]).toEqual([20, 32, 32, 3]);
    expect(Array.from(d.labels!)).toEqual(Array.from({ length: 20 }, (_, i) => i % 10));
    expect(d.meta.classes![1]).toBe('automobile');
    for (const [i, y, x, c] of [
      [0, 0, 0, 0],
      [13, 31, 2, 2],
      [19, 5, 30, 1],
    ])
      expect(d.images.read(0, d.count)[((i * 32 + y) * 32 + x) * 3 + c]).toBe(pixel(i, y, x, c));
  });

  it('CIFAR-100 gives fine labels by default and coarse ones on request', async () => {
    const fine = datasetView(
      await cifar100Plugin.run({}, { ...p10({ dir: 'cifar-100-binary', split: 'test' }), labels: 'fine' }, ctx()),
    );
    const coarse = datasetView(
      await cifar100Plugin.run({}, { ...p10({ dir: 'cifar-100-binary' }), labels: 'coarse' }, ctx()),
    );
    expect(fine.meta.classes!.length).toBe(100);
    expect(Array.from(fine.labels!)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(coarse.meta.classes!.length).toBe(20);
    expect(fine.images.read(0, fine.count)[((6 * 32 + 1) * 32 + 2) * 3]).toBe(pixel(6, 1, 2, 0));
  });

  it('limit keeps a seeded subset in file order; resize and RGB apply per batch', async () => {
    const a = datasetView(await cifar10Plugin.run({}, p10({ limit: 5, resize: [8, 8] }), ctx()));
    const b = datasetView(await cifar10Plugin.run({}, p10({ limit: 5, resize: [8, 8] }), ctx()));
    expect(a.count).toBe(5);
    expect(Array.from(a.labels!)).toEqual(Array.from(b.labels!));
    expect(a.storedShape).toEqual([32, 32, 3]);
    expect(a.imageShape).toEqual([8, 8, 3]);
    expect(imageBatch(a, 0, 2).length).toBe(2 * 8 * 8 * 3);
    await expect(cifar10Plugin.run({}, p10({ limit: 21 }), ctx())).rejects.toThrow(/limit 21 exceeds the 20 samples/);
  });

  it('names the missing file and where the binary version is published', async () => {
    await expect(cifar10Plugin.run({}, p10(), ctx(os.tmpdir()))).rejects.toThrow(
      /cifar-10-batches-bin\/data_batch_1\.bin not found.*cifar-10-binary\.tar\.gz.*cs\.toronto\.edu/,
    );
  });

  it('rejects a truncated file and labels out of range', async () => {
    const bad = fs.mkdtempSync(path.join(root, 'bad-'));
    writeCifar10(bad, 2);
    const batch = path.join(bad, 'cifar-10-batches-bin', 'data_batch_3.bin');
    fs.truncateSync(batch, 3073 + 100);
    await expect(cifar10Plugin.run({}, p10(), ctx(bad))).rejects.toThrow(
      /data_batch_3\.bin: 3173 bytes is not a whole number of 3073-byte records/,
    );
    const wrong = fs.readFileSync(path.join(bad, 'cifar-10-batches-bin', 'test_batch.bin'));
    wrong[0] = 42;
    fs.writeFileSync(path.join(bad, 'cifar-10-batches-bin', 'test_batch.bin'), wrong);
    await expect(cifar10Plugin.run({}, p10({ split: 'test' }), ctx(bad))).rejects.toThrow(
      /test_batch\.bin: record 0 has label 42, but cifar10 has 10 classes/,
    );
  });
});

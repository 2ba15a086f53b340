import { datasetView, imageBatch, standaloneContext } from '@rtlab/sdk';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { pixel, writeFashionMnist } from '../test-support/dataset-files';
import { fashionMnistPlugin, FashionMnistParams } from './fashion-mnist-plugin';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'rtlab-fmnist-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
const root = (name: string, count: number, gzip: boolean) => {
  const dir = path.join(scratch, name);
  writeFashionMnist(dir, count, gzip);
  return dir;
};
const params = (p: Partial<FashionMnistParams> = {}): FashionMnistParams => ({
  dir: 'fashion-mnist',
  split: 'train',
  grayscaleToRgb: false,
  ...p,
});
const run = (dataRoot: string, p: Partial<FashionMnistParams> = {}) =>
  fashionMnistPlugin.run({}, params(p), standaloneContext({ dataRoot }));

describe('load/fashion-mnist (IDX)', () => {
  it('reads gzipped and plain IDX files alike', async () => {
    const [gz, plain] = [
      datasetView(await run(root('gz', 12, true))),
      datasetView(await run(root('plain', 12, false), { split: 'test' })),
    ];
    for (const d of [gz, plain]) {
      expect([d.count, ...d.imageShape]).toEqual([12, 28, 28, 1]);
      expect(Array.from(d.labels!)).toEqual(Array.from({ length: 12 }, (_, i) => i % 10));
      expect(d.images.read(0, d.count)[(7 * 28 + 3) * 28 + 9]).toBe(pixel(7, 3, 9, 0));
    }
    expect(gz.meta.classes![9]).toBe('Ankle boot');
  });

  it('grayscaleToRgb and resize present 32x32x3 images whose channels are equal', async () => {
    const d = datasetView(await run(root('rgb', 3, true), { grayscaleToRgb: true, resize: [32, 32] }));
    expect(d.imageShape).toEqual([32, 32, 3]);
    const x = imageBatch(d, 0, 1);
    for (let p = 0; p < 32 * 32; p++) expect(x[3 * p]).toBe(x[3 * p + 2]);
  });

  it('rejects a wrong magic number, a truncated file, a wrong dimension count and mismatched label counts', async () => {
    const dir = root('bad', 4, false);
    const file = path.join(dir, 'fashion-mnist', 'train-images-idx3-ubyte');
    const good = fs.readFileSync(file);
    fs.writeFileSync(file, Buffer.concat([Buffer.from([1, 2]), good.subarray(2)]));
    await expect(run(dir)).rejects.toThrow(/train-images-idx3-ubyte: not an IDX file \(bad magic number\)/);
    fs.writeFileSync(file, good.subarray(0, good.length - 5));
    await expect(run(dir)).rejects.toThrow(/needs 3152 bytes, the file has 3147: truncated/);
    const labels = path.join(dir, 'fashion-mnist', 'train-labels-idx1-ubyte');
    fs.writeFileSync(file, fs.readFileSync(labels));
    await expect(run(dir)).rejects.toThrow(/IDX with 1 dimensions, expected 3/);
    fs.writeFileSync(file, good);
    fs.writeFileSync(labels, Buffer.concat([Buffer.from([0, 0, 8, 1, 0, 0, 0, 3]), Buffer.from([1, 2, 3])]));
    await expect(run(dir)).rejects.toThrow(/has 3 labels for the 4 images/);
  });

  it('rejects a corrupt gzip and names missing files with where to get them', async () => {
    const dir = root('gzbad', 2, true);
    const file = path.join(dir, 'fashion-mnist', 'train-images-idx3-ubyte.gz');
    fs.writeFileSync(file, zlib.gzipSync(Buffer.alloc(100)).subarray(0, 15));
    await expect(run(dir)).rejects.toThrow(/truncated or corrupt gzip/);
    await expect(run(scratch)).rejects.toThrow(/fashion-mnist\/train-images-idx3-ubyte\.gz not found.*zalandoresearch/);
  });

  it('refuses a small gzip whose header claims 2^31 images before inflating it, and one that expands past its header', async () => {
    const dir = root('gzbomb', 2, true);
    const file = path.join(dir, 'fashion-mnist', 'train-images-idx3-ubyte.gz');
    const header = Buffer.from([0, 0, 8, 3, 0x80, 0, 0, 0, 0, 0, 0, 28, 0, 0, 0, 28]);
    fs.writeFileSync(file, zlib.gzipSync(Buffer.concat([header, Buffer.alloc(8 << 20)])));
    const before = process.memoryUsage().arrayBuffers;
    await expect(run(dir)).rejects.toThrow(
      new RegExp(
        `train-images-idx3-ubyte\\.gz: its header declares ${16 + 2 ** 31 * 28 * 28} bytes, more than rtlab reads from one file: corrupt`,
      ),
    );
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 << 20);
    const small = Buffer.from([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28]);
    fs.writeFileSync(file, zlib.gzipSync(Buffer.concat([small, Buffer.alloc(8 << 20)])));
    await expect(run(dir)).rejects.toThrow(
      new RegExp(`expands past ${16 + 2 * 28 * 28} bytes \\(what its header declares\\)`),
    );
  });
});

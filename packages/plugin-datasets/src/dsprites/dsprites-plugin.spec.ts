import { Artifact, datasetView, targetColumn, standaloneContext } from '@rtlab/sdk';
import { unzipSync, zipSync } from 'fflate';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { int64, npy } from '../test-support/npy-writer';
import { COMBINATIONS, factorClasses, FACTOR_SIZES } from './dsprites-factors';
import { dspritesPlugin, DspritesParams } from './dsprites-plugin';
import { renderSprite } from './render-sprite';
import { factorValues } from './dsprites-factors';

const params = (p: Partial<DspritesParams> = {}): DspritesParams => ({
  source: 'procedural',
  file: 'x.npz',
  split: 'train',
  count: 300,
  testFraction: 0.2,
  splitSeed: 0,
  ...p,
});
const run = (p: Partial<DspritesParams>, seed = 1, dataRoot = '.') =>
  dspritesPlugin.run({}, params(p), standaloneContext({ seed, dataRoot }));

describe('load/dsprites (procedural)', () => {
  it('is deterministic from the seed, and differs between seeds', async () => {
    const [a, b, c] = [await run({}, 1), await run({}, 1), await run({}, 2)];
    expect(Buffer.from(a.tensors.images.data.buffer).equals(Buffer.from(b.tensors.images.data.buffer))).toBe(true);
    expect(Array.from(a.tensors.targets.data)).toEqual(Array.from(b.tensors.targets.data));
    expect(Array.from(a.tensors.targets.data)).not.toEqual(Array.from(c.tensors.targets.data));
  });

  it('covers every level of every factor, with targets in [0, 1] and binary images', async () => {
    const d = datasetView(await run({ count: 3000, split: 'all' }));
    expect(d.imageShape).toEqual([64, 64, 1]);
    FACTOR_SIZES.forEach((levels, f) => {
      const seen = new Set(Array.from({ length: d.count }, (_, i) => Math.round(d.targets![i * 5 + f] * (levels - 1))));
      expect(seen.size).toBe(levels);
    });
    expect(d.targets!.every((t) => t >= 0 && t <= 1)).toBe(true);
    expect(d.images.read(0, d.count).every((v) => v === 0 || v === 255)).toBe(true);
    expect(new Set(d.labels)).toEqual(new Set([0, 1, 2]));
    expect(Array.from(d.labels!)).toEqual(Array.from(targetColumn(d, 'shape'), (t) => t * 2));
  });

  it('keeps train and test disjoint whatever the node seeds', async () => {
    const key = (a: Artifact) => {
      const d = datasetView(a);
      return Array.from({ length: d.count }, (_, i) => Array.from(d.targets!.subarray(i * 5, i * 5 + 5)).join());
    };
    const train = new Set(key(await run({ count: 2000 }, 5)));
    const test = key(await run({ count: 500, split: 'test' }, 9));
    expect(test.filter((t) => train.has(t))).toEqual([]);
  });

  it('renders larger sprites for larger scale and moves them with posX', () => {
    const area = (scale: number, posX = 0.5) => {
      const img = new Uint8Array(64 * 64);
      renderSprite({ shape: 0, scale, orientation: 0, posX, posY: 0.5 }, img);
      const xs = [...img.keys()].filter((i) => img[i]).map((i) => i % 64);
      return { pixels: xs.length, meanX: xs.reduce((a, b) => a + b, 0) / xs.length };
    };
    expect(area(1).pixels).toBeGreaterThan(3 * area(0.5).pixels);
    expect(area(1, 0.9).meanX).toBeGreaterThan(area(1, 0.1).meanX + 20);
  });

  it('rejects a count the split cannot hold', async () => {
    await expect(run({ count: COMBINATIONS, split: 'test' })).rejects.toThrow(
      /count 737280 is too large for the test split/,
    );
  });
});

describe('load/dsprites (npz)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsprites-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A tiny stand-in for the official file: the first rows of the real layout, images drawn by us. */
  function writeNpz(file: string, rows: number, level = 6): void {
    const classes = Array.from({ length: rows }, (_, i) => [0, ...factorClasses(i)]).flat();
    const imgs = new Uint8Array(rows * 4096);
    for (let i = 0; i < rows; i++) {
      renderSprite(factorValues(factorClasses(i)), imgs, i * 4096);
      for (let p = 0; p < 4096; p++) imgs[i * 4096 + p] = imgs[i * 4096 + p] ? 1 : 0;
    }
    const zip = zipSync(
      {
        'imgs.npy': npy('|u1', [rows, 64, 64], imgs),
        'latents_classes.npy': npy('<i8', [rows, 6], int64(classes)),
        'latents_values.npy': npy('<f8', [rows, 6], new Float64Array(rows * 6)),
      },
      { level: level as 6 },
    );
    fs.writeFileSync(file, zip);
  }

  it('reads images and latents of the same rows, deterministically, as a generator Dataset', async () => {
    writeNpz(path.join(dir, 'tiny.npz'), 2000);
    const a = datasetView(await run({ split: 'all', count: 40, source: 'npz', file: 'tiny.npz' }, 3, dir));
    const b = datasetView(await run({ split: 'all', count: 40, source: 'npz', file: 'tiny.npz' }, 3, dir));
    expect(a.count).toBe(40);
    expect(Buffer.from(a.images.read(0, a.count)).equals(Buffer.from(b.images.read(0, b.count)))).toBe(true);
    for (let i = 0; i < a.count; i++) {
      const classes = FACTOR_SIZES.map((levels, f) => Math.round(a.targets![i * 5 + f] * (levels - 1)));
      const expected = new Uint8Array(4096);
      renderSprite(factorValues(classes), expected);
      expect(
        Buffer.from(a.images.read(0, a.count).subarray(i * 4096, (i + 1) * 4096)).equals(Buffer.from(expected)),
      ).toBe(true);
      expect(a.labels![i]).toBe(classes[0]);
    }
    expect(a.meta.factors).toEqual(['shape', 'scale', 'orientation', 'posX', 'posY']);
  });

  it('streams sprites into files beyond --part-bytes (the same bytes as in memory), and reads any integer or float dtype of imgs as binary', async () => {
    writeNpz(path.join(dir, 'tiny.npz'), 2000);
    const inMemory = datasetView(await run({ split: 'all', count: 40, source: 'npz', file: 'tiny.npz' }, 3, dir));
    const ctx = standaloneContext({
      seed: 3,
      dataRoot: dir,
      partBytes: 4096 * 16,
      scratchDir: path.join(dir, 'scratch'),
    });
    const inFiles = await dspritesPlugin.run(
      {},
      params({ split: 'all', count: 40, source: 'npz', file: 'tiny.npz' }),
      ctx,
    );
    expect(inFiles.files!.images.parts.map((part) => part.rows)).toEqual([16, 16, 8]);
    expect(Buffer.from(datasetView(inFiles).images.read(0, 40)).equals(Buffer.from(inMemory.images.read(0, 40)))).toBe(
      true,
    );

    const zip = fs.readFileSync(path.join(dir, 'tiny.npz'));
    const asFloat = (bytes: Uint8Array) => new Uint8Array(Float32Array.from(bytes, (v) => v * 0.5).buffer); // 0 and 0.5
    const arrays = unzipSync(zip);
    const imgs = arrays['imgs.npy'];
    const data = imgs.subarray(imgs.length - 2000 * 4096);
    fs.writeFileSync(
      path.join(dir, 'float.npz'),
      zipSync({ ...arrays, 'imgs.npy': npy('<f4', [2000, 64, 64], asFloat(data)) }),
    );
    const fromFloat = datasetView(await run({ split: 'all', count: 40, source: 'npz', file: 'float.npz' }, 3, dir));
    expect(Buffer.from(fromFloat.images.read(0, 40)).equals(Buffer.from(inMemory.images.read(0, 40)))).toBe(true);
  }, 30_000); // 2000 sprites inflated three times: seconds on a loaded 2-core machine

  it('names the missing file and where to get it', async () => {
    await expect(run({ source: 'npz', file: 'nope.npz' }, 1, dir)).rejects.toThrow(
      /nope\.npz not found\. Download dsprites_ndarray_co1sh3sc6or40x32y32_64x64\.npz from https:\/\/github\.com\/google-deepmind\/dsprites-dataset/,
    );
  });

  it('rejects a file that is not an npz, a truncated one, and one without imgs', async () => {
    fs.writeFileSync(path.join(dir, 'page.npz'), '<html>Not Found</html>');
    await expect(run({ source: 'npz', file: 'page.npz', split: 'all', count: 5 }, 1, dir)).rejects.toThrow(
      /not an \.npz file/,
    );
    writeNpz(path.join(dir, 'cut.npz'), 2000, 0);
    const whole = fs.readFileSync(path.join(dir, 'cut.npz'));
    fs.writeFileSync(path.join(dir, 'cut.npz'), whole.subarray(0, whole.length / 2));
    await expect(run({ source: 'npz', file: 'cut.npz', split: 'all', count: 5 }, 1, dir)).rejects.toThrow(
      /truncated|has no array/,
    );
    const lying = zipSync({
      'imgs.npy': npy('|u1', [800, 64, 64], new Uint8Array(200 * 4096)),
      'latents_classes.npy': npy('<i8', [800, 6], int64(Array(200 * 6).fill(0))),
    });
    fs.writeFileSync(path.join(dir, 'lying.npz'), lying);
    await expect(run({ source: 'npz', file: 'lying.npz', split: 'all', count: 100 }, 1, dir)).rejects.toThrow(
      /lying\.npz:imgs\.npy: its header claims 800 rows, the file holds 200 \(819200 of 3276800 data bytes\)/,
    );
    fs.writeFileSync(
      path.join(dir, 'noimgs.npz'),
      zipSync({ 'latents_classes.npy': npy('<i8', [1, 6], int64([0, 0, 0, 0, 0, 0])) }),
    );
    await expect(run({ source: 'npz', file: 'noimgs.npz', split: 'all', count: 5 }, 1, dir)).rejects.toThrow(
      /has no array imgs/,
    );
  });
});

import { datasetView, imageBatch, imageRows, sliceDataset, standaloneContext } from '@rtlab/sdk';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as jpeg from 'jpeg-js';
import { classColour, writeImagenetFolder, writeIntelImage, writeJpeg } from '../test-support/dataset-files';
import { imagenetFolderPlugin, ImagenetFolderParams } from './imagenet-folder-plugin';
import { intelImagePlugin, IntelImageParams } from './intel-image-plugin';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rtlab-folders-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
writeIntelImage(root, 2);
const WNIDS = ['n01440764', 'n01443537', 'n02102040'];
writeImagenetFolder(root, WNIDS, 2);
const ctx = () => standaloneContext({ seed: 5, dataRoot: root });

const intel = (p: Partial<IntelImageParams> = {}) =>
  intelImagePlugin.run(
    {},
    { dir: 'intel-image', split: 'train', size: [16, 16], fit: 'stretch', grayscaleToRgb: false, ...p },
    ctx(),
  );
const imagenet = (p: Partial<ImagenetFolderParams> = {}) =>
  imagenetFolderPlugin.run(
    {},
    { dir: 'imagenet/val', size: [20, 20], fit: 'center-crop', cropFraction: 1, grayscaleToRgb: false, ...p },
    ctx(),
  );

/** Mean of one channel of image `i`. */
const channelMean = (d: ReturnType<typeof datasetView>, i: number, c: number) => {
  const [h, w] = d.imageShape;
  let s = 0;
  for (let p = 0; p < h * w; p++) s += d.images.read(0, d.count)[(i * h * w + p) * 3 + c];
  return s / (h * w);
};

describe('load/intel-image and load/imagenet-folder (JPEG folders)', () => {
  it('images beyond partBytes: the same images, kept in files of at most that size and read back batch by batch', async () => {
    const memory = await intel();
    const scratchDir = path.join(root, 'scratch');
    const files = await intelImagePlugin.run(
      {},
      { dir: 'intel-image', split: 'train', size: [16, 16], fit: 'stretch', grayscaleToRgb: false },
      standaloneContext({ seed: 5, dataRoot: root, scratchDir, partBytes: 5 * 16 * 16 * 3 + 100 }),
    );
    expect(memory.files).toBeUndefined();
    expect(files.tensors.images).toBeUndefined();
    expect(files.files!.images.parts.map((p) => p.rows)).toEqual([5, 5, 2]);
    expect(
      files.files!.images.parts.every(
        (p) => path.dirname(p.file) === scratchDir && fs.statSync(p.file).size === p.rows * 16 * 16 * 3,
      ),
    ).toBe(true);
    const [m, f] = [datasetView(memory), datasetView(files)];
    expect(f.count).toBe(12);
    expect(Buffer.from(f.images.read(0, 12)).equals(Buffer.from(m.images.read(0, 12)))).toBe(true);
    expect(imageBatch(f, 3, 11)).toEqual(imageBatch(m, 3, 11));
    expect(imageRows(f, [11, 0, 6])).toEqual(imageRows(m, [11, 0, 6]));
    expect(Array.from(f.labels!)).toEqual(Array.from(m.labels!));
    const [sliceOfMemory, sliceOfFiles] = [
      datasetView(sliceDataset(memory, 4, 9)),
      datasetView(sliceDataset(files, 4, 9)),
    ];
    expect(sliceDataset(files, 4, 9).files!.images.parts.map((p) => [p.rows, p.offset])).toEqual([
      [1, 4 * 768],
      [4, 0],
    ]);
    expect(Buffer.from(sliceOfFiles.images.read(0, 5)).equals(Buffer.from(sliceOfMemory.images.read(0, 5)))).toBe(true);
  });

  it('intel-image: classes in the published order, every image resized to one size', async () => {
    const d = datasetView(await intel());
    expect(d.meta.classes).toEqual(['buildings', 'forest', 'glacier', 'mountain', 'sea', 'street']);
    expect([d.count, ...d.imageShape]).toEqual([12, 16, 16, 3]);
    expect(Array.from(d.labels!)).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    for (let i = 0; i < d.count; i++) expect(channelMean(d, i, 1)).toBeCloseTo(classColour(d.labels![i])[1], -0.5);
  });

  it('imagenet-folder: class index from sorted wnids or a class index file; centre crop', async () => {
    const sorted = datasetView(await imagenet());
    expect(sorted.meta.classes).toEqual(WNIDS);
    expect(Array.from(sorted.labels!)).toEqual([0, 0, 1, 1, 2, 2]);
    const index = {
      0: ['n02102040', 'springer'],
      1: ['n09999999', 'other'],
      2: ['n01440764', 'tench'],
      3: ['n01443537', 'goldfish'],
    };
    fs.writeFileSync(path.join(root, 'index.json'), JSON.stringify(index));
    const mapped = datasetView(await imagenet({ classIndex: 'index.json', limit: 4 }));
    expect(mapped.meta.classes!.length).toBe(4);
    expect(mapped.count).toBe(4);
    expect(Array.from(mapped.labels!).every((l) => [2, 3, 0].includes(l))).toBe(true);
    expect(mapped.imageShape).toEqual([20, 20, 3]);
  });

  it('center-crop keeps the centred square, cropFraction a smaller one (Resize + CenterCrop)', async () => {
    // 64x32: a white 16x16 square in the middle of black.
    const [w, h] = [64, 32];
    const data = Buffer.alloc(w * h * 4);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        data.fill(
          Math.abs(x + 0.5 - 32) < 8 && Math.abs(y + 0.5 - 16) < 8 ? 255 : 0,
          4 * (y * w + x),
          4 * (y * w + x) + 3,
        );
    fs.mkdirSync(path.join(root, 'crop', 'n1'), { recursive: true });
    fs.writeFileSync(path.join(root, 'crop', 'n1', 'a.JPEG'), jpeg.encode({ data, width: w, height: h }, 100).data);
    const whole = datasetView(await imagenet({ dir: 'crop', size: [8, 8] }));
    const centre = datasetView(await imagenet({ dir: 'crop', size: [8, 8], cropFraction: 0.5 }));
    expect(channelMean(whole, 0, 0)).toBeCloseTo(255 / 4, -1);
    expect(channelMean(centre, 0, 0)).toBeGreaterThan(245);
  });

  it('names the missing folder, rejects a folder not in the class index, and a file that is not a JPEG', async () => {
    await expect(intel({ dir: 'nowhere' })).rejects.toThrow(/nowhere\/seg_train\/seg_train not found.*kaggle/);
    fs.writeFileSync(path.join(root, 'short.txt'), 'n01440764\n');
    await expect(imagenet({ classIndex: 'short.txt' })).rejects.toThrow(
      /folders n01443537, n02102040 are not in short\.txt/,
    );
    const broken = path.join(root, 'broken');
    writeJpeg(path.join(broken, 'n01', 'a.JPEG'), 8, 8, [1, 2, 3]);
    fs.writeFileSync(path.join(broken, 'n01', 'b.JPEG'), '<!DOCTYPE html><html>Not found</html>');
    await expect(imagenet({ dir: 'broken' })).rejects.toThrow(/broken\/n01\/b\.JPEG: cannot decode as JPEG/);
  });
});

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Artifact, datasetView, FileTensorWriter, imageBatch, sliceDataset } from '@rtlab/sdk';
import { filesUnder, tempDir } from '../test-support/temp-dir';
import { ArtifactCache } from './artifact-cache';
import { ENTRY_FILE, StoredFileTensor } from './cache-entry';
import { metaDigest } from './meta-digest';

const producer = { node: 'load', plugin: 'load/x', version: '1.0.0', canonical: '{}' };
const KEY = 'cd'.repeat(32);
const OTHER = 'ef'.repeat(32);
const PIXELS = 4 * 4 * 3;

/** A Dataset of 10 images 4x4x3 (pixel value = image index * 7 + position, mod 256) in files of 3 images. */
function datasetInFiles(dir: string): Artifact {
  fs.mkdirSync(dir, { recursive: true });
  const w = new FileTensorWriter(dir, 'images', 'uint8', [4, 4, 3], 3);
  for (let i = 0; i < 10; i++) w.append(Uint8Array.from({ length: PIXELS }, (_, p) => (i * 7 + p) % 256));
  return {
    type: 'Dataset',
    meta: { name: 'x' },
    tensors: { labels: { dtype: 'int32', shape: [10], data: Int32Array.from({ length: 10 }, (_, i) => i % 3) } },
    files: { images: w.finish() },
  };
}

/** Puts the dataset under `key`, its files moved from the writer's scratch folder. */
async function putMovedInto(cache: ArtifactCache, key: string): Promise<void> {
  const scratch = cache.scratchDir(key);
  await cache.put(key, datasetInFiles(scratch), producer, { scratchDir: scratch });
}

/** A part's name without its writer's tag: f<tensor>.<part>.<tag>.bin -> f<tensor>.<part>.bin. */
const untagged = (name: string) => name.replace(/\.[0-9a-f]{8}\.bin$/, '.bin');
/** The file of part `i` of the entry's first file tensor. */
const partFile = (dir: string, i: number) =>
  path.join(
    dir,
    fs.readdirSync(dir).find((f) => untagged(f) === `f0.${i}.bin`)!,
  );

const expectedImage = (i: number) => Float32Array.from({ length: PIXELS }, (_, p) => ((i * 7 + p) % 256) / 255);

describe('ArtifactCache: tensors kept in files', () => {
  const root = tempDir();
  let warnings: string[];
  let cache: ArtifactCache;
  const putMoved = (key: string) => putMovedInto(cache, key);
  beforeEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
    warnings = [];
    cache = new ArtifactCache(root, (m) => warnings.push(m));
  });

  it('moves the parts out of the scratch folder into the entry, and reads them back verified, batch by batch', async () => {
    const scratch = cache.scratchDir(KEY);
    await cache.put(KEY, datasetInFiles(scratch), producer, { scratchDir: scratch });
    expect(fs.readdirSync(scratch)).toEqual([]);
    expect(filesUnder(cache.entryDir(KEY)).map(untagged).sort()).toEqual([
      ENTRY_FILE,
      'f0.0.bin',
      'f0.1.bin',
      'f0.2.bin',
      'f0.3.bin',
      'tensors.safetensors',
    ]);
    expect(filesUnder(cache.entryDir(KEY)).filter((f) => f.endsWith('.bin'))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^f0\.0\.[0-9a-f]{8}\.bin$/)]),
    );
    const d = datasetView((await cache.get(KEY))!);
    expect(d.count).toBe(10);
    expect(imageBatch(d, 2, 7)).toEqual(Float32Array.from([2, 3, 4, 5, 6].flatMap((i) => [...expectedImage(i)])));
    expect(await cache.tensorShapes(KEY)).toEqual({ labels: [10], images: [10, 4, 4, 3] });
    expect(cache.info(KEY)!.bytes).toBe(
      10 * PIXELS + fs.statSync(path.join(cache.entryDir(KEY), 'tensors.safetensors')).size,
    );
    expect(warnings).toEqual([]);
  });

  const all = Float32Array.from([...Array(10).keys()].flatMap((i) => [...expectedImage(i)]));

  it("copies a slice of another entry's files, leaving that entry whole", async () => {
    await cache.put(KEY, datasetInFiles(cache.scratchDir(KEY)), producer);
    await cache.put(OTHER, sliceDataset((await cache.get(KEY))!, 4, 8), producer, {
      scratchDir: cache.scratchDir(OTHER),
    });
    const slice = datasetView((await cache.get(OTHER))!);
    expect(imageBatch(slice, 0, 4)).toEqual(Float32Array.from([4, 5, 6, 7].flatMap((i) => [...expectedImage(i)])));
    expect(imageBatch(datasetView((await cache.get(KEY))!), 0, 10)).toEqual(all);
    expect(warnings).toEqual([]);
  });

  it("copies files outside the writer's own scratch folder, even under the cache's temporary folder", async () => {
    const elsewhere = cache.scratchDir(OTHER); // another writer's
    const dataset = datasetInFiles(elsewhere);
    await cache.put(KEY, dataset, producer, { scratchDir: cache.scratchDir(KEY) });
    expect(dataset.files!.images.parts.every((p) => fs.existsSync(p.file))).toBe(true);
    expect(imageBatch(datasetView((await cache.get(KEY))!), 0, 10)).toEqual(all);
  });

  it('a second writer of a key keeps the first entry, so that its readers read on', async () => {
    await putMoved(KEY);
    const before = filesUnder(cache.entryDir(KEY)).sort();
    const reading = datasetView((await new ArtifactCache(root).get(KEY))!); // another reader's view: paths into the entry
    const scratch = cache.scratchDir(KEY);
    await cache.put(KEY, datasetInFiles(scratch), producer, { scratchDir: scratch });
    expect(filesUnder(cache.entryDir(KEY)).sort()).toEqual(before);
    expect(imageBatch(reading, 0, 10)).toEqual(all);
    expect(fs.readdirSync(path.join(root, 'tmp')).filter((f) => !f.endsWith('~scratch'))).toEqual([]); // the dropped entry is gone (scratch folders are their callers')
  });

  it('an entry replaced (--force) in another layout while a reader holds the old one: the reader fails naming the cause, never reads the new rows', async () => {
    await putMoved(KEY);
    const reading = datasetView((await new ArtifactCache(root).get(KEY))!);
    const scratch = cache.scratchDir(KEY);
    fs.mkdirSync(scratch, { recursive: true });
    const w = new FileTensorWriter(scratch, 'images', 'uint8', [4, 4, 3], 7); // 7 images per file, not 3
    for (let i = 0; i < 10; i++) w.append(Uint8Array.from({ length: PIXELS }, (_, p) => (i * 7 + p) % 256));
    await cache.put(KEY, { ...datasetInFiles(cache.scratchDir(OTHER)), files: { images: w.finish() } }, producer, {
      scratchDir: scratch,
      replace: true,
    });
    expect(() => imageBatch(reading, 3, 6)).toThrow(
      /^cannot read tensor file .*f0\.1\.[0-9a-f]{8}\.bin \(ENOENT\): it is gone, so its cache entry was replaced or removed while this node read it/,
    );
    expect(imageBatch(datasetView((await cache.get(KEY))!), 3, 6)).toEqual(
      Float32Array.from([3, 4, 5].flatMap((i) => [...expectedImage(i)])),
    );
    expect(fs.readdirSync(path.join(root, 'tmp')).filter((f) => f.endsWith('~old'))).toEqual([]);
  });

  it('reads rows in any order, and refuses rows outside the tensor', async () => {
    await putMoved(KEY);
    const d = datasetView((await cache.get(KEY))!);
    expect(Array.from(d.images.gather([9, 0, 3]))).toEqual(
      [9, 0, 3].flatMap((i) => Array.from({ length: PIXELS }, (_, p) => (i * 7 + p) % 256)),
    );
    expect(() => d.images.read(8, 11)).toThrow('rows [8, 11) are outside the 10 rows of a tensor');
    expect(() => d.images.gather([10])).toThrow('rows [10, 11) are outside the 10 rows of a tensor');
  });

  /** Edits entry.json's description of its files and signs it again: a faulty writer, which only the structural checks catch. */
  const rewrite = (dir: string, edit: (images: StoredFileTensor) => void) => {
    const file = path.join(dir, ENTRY_FILE);
    const entry = JSON.parse(fs.readFileSync(file, 'utf8'));
    edit(entry.files.images);
    fs.writeFileSync(file, JSON.stringify({ ...entry, metaSha256: metaDigest(entry) }));
  };

  it.each([
    [
      'a flipped byte in a part',
      /f0\.1\.[0-9a-f]{8}\.bin sha256 does not match the entry/,
      (dir: string) => {
        const f = partFile(dir, 1);
        const b = fs.readFileSync(f);
        b[5] ^= 0xff;
        fs.writeFileSync(f, b);
      },
    ],
    [
      'a truncated part',
      /f0\.2\.[0-9a-f]{8}\.bin has 10 bytes, entry says 144/,
      (dir: string) => fs.truncateSync(partFile(dir, 2), 10),
    ],
    ['a missing part', /tensor file f0\.3\.[0-9a-f]{8}\.bin is missing/, (dir: string) => fs.rmSync(partFile(dir, 3))],
    [
      'an edited description not signed again',
      /metadata sha256 does not match the entry/,
      (dir: string) => {
        const file = path.join(dir, ENTRY_FILE);
        const entry = JSON.parse(fs.readFileSync(file, 'utf8'));
        entry.files.images.shape[0] = 11;
        fs.writeFileSync(file, JSON.stringify(entry));
      },
    ],
    [
      'a part named outside the entry',
      /names a part "\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd"/,
      (dir: string) => rewrite(dir, (t) => (t.parts[0].name = '../../../../etc/passwd')),
    ],
    [
      'parts holding fewer rows than the shape',
      /has 10 rows in its parts, its shape says 11/,
      (dir: string) => rewrite(dir, (t) => (t.shape[0] = 11)),
    ],
    [
      'a fractional row count',
      /part f0\.0\.[0-9a-f]{8}\.bin of "images" has 2\.5 rows/,
      (dir: string) => rewrite(dir, (t) => ([t.parts[0].rows, t.parts[1].rows] = [2.5, 3.5])),
    ],
    [
      'a fractional dimension',
      /file tensor "images" is malformed/,
      (dir: string) => rewrite(dir, (t) => (t.shape[1] = 4.5)),
    ],
  ])(
    'treats %s as damage: warns with the reason, removes the entry, returns nothing',
    async (_what, reason, damage) => {
      await cache.put(KEY, datasetInFiles(cache.scratchDir(KEY)), producer);
      damage(cache.entryDir(KEY));
      expect(await new ArtifactCache(root, (m) => warnings.push(m)).get(KEY)).toBeUndefined(); // a new process: nothing hashed yet
      expect(fs.existsSync(cache.entryDir(KEY))).toBe(false);
      expect(warnings).toEqual([
        expect.stringMatching(/^cache entry cdcdcdcdcdcd is damaged \(.+\); removed, it will be recomputed$/),
      ]);
      expect(warnings[0]).toMatch(reason);
    },
  );

  it('hashes a part once per process: a part changed in place with its size and time kept is caught by a new process', async () => {
    const scratch = cache.scratchDir(KEY);
    const dataset = datasetInFiles(scratch);
    for (const p of dataset.files!.images.parts) fs.utimesSync(p.file, 1e9, 1e9);
    await cache.put(KEY, dataset, producer, { scratchDir: scratch }); // moved: their times kept
    const part = partFile(cache.entryDir(KEY), 0);
    const bytes = fs.readFileSync(part);
    bytes[0] ^= 1;
    fs.writeFileSync(part, bytes);
    fs.utimesSync(part, 1e9, 1e9);
    expect(await cache.get(KEY)).toBeDefined(); // this process wrote and hashed it: not hashed again
    expect(await new ArtifactCache(root, (m) => warnings.push(m)).get(KEY)).toBeUndefined();
    expect(warnings).toEqual([expect.stringMatching(/f0\.0\.[0-9a-f]{8}\.bin sha256 does not match/)]);
  });
});

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Artifact } from '@rtlab/sdk';
import { filesUnder, tempDir } from '../test-support/temp-dir';
import { ArtifactCache } from './artifact-cache';
import { ENTRY_FILE, TENSORS_FILE } from './cache-entry';

const producer = { node: 'n', plugin: 'score/x', version: '1.0.0', canonical: '{}' };
const artifact = (n = 1000): Artifact => ({
  type: 'Scores',
  meta: { note: 'hello', rows: [{ a: 1 }] },
  tensors: {
    v: { dtype: 'float32', shape: [n], data: Float32Array.from({ length: n }, (_, i) => i / 7) },
    l: { dtype: 'int32', shape: [2], data: Int32Array.from([3, 4]) },
  },
});
const KEY = 'ab'.repeat(32);

describe('ArtifactCache', () => {
  const root = tempDir();
  let warnings: string[];
  let cache: ArtifactCache;
  beforeEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
    warnings = [];
    cache = new ArtifactCache(root, (m) => warnings.push(m));
  });

  it('stores an entry under a two-character fan-out folder and reads it back', async () => {
    await cache.put(KEY, artifact(), producer);
    expect(filesUnder(root).sort()).toEqual([`ab/${KEY}/entry.json`, `ab/${KEY}/${TENSORS_FILE}`]);
    const back = await cache.get(KEY);
    expect(back!.meta).toEqual(artifact().meta);
    expect(Array.from(back!.tensors.v.data)).toEqual(Array.from(artifact().tensors.v.data));
    expect(cache.list().map((e) => [e.key, e.type, e.producer.node])).toEqual([[KEY, 'Scores', 'n']]);
    expect(warnings).toEqual([]);
  });

  it("gives the shapes of an entry's tensors without reading them, and nothing for a missing entry", async () => {
    await cache.put(KEY, artifact(1234), producer);
    expect(await cache.tensorShapes(KEY)).toEqual({ v: [1234], l: [2] });
    expect(await cache.tensorShapes('cd'.repeat(32))).toBeUndefined();
  });

  it.each([
    [
      'a flipped byte',
      (f: string) => {
        const b = fs.readFileSync(f);
        b[b.length - 3] ^= 0xff;
        fs.writeFileSync(f, b);
      },
    ],
    ['a truncated tensor file', (f: string) => fs.truncateSync(f, 100)],
    ['a missing tensor file', (f: string) => fs.rmSync(f)],
  ])('treats %s as corrupt: warns, removes the entry, returns nothing', async (_what, damage) => {
    await cache.put(KEY, artifact(), producer);
    damage(path.join(cache.entryDir(KEY), TENSORS_FILE));
    expect(await cache.get(KEY)).toBeUndefined();
    expect(warnings).toEqual([expect.stringMatching(/is damaged .* removed, it will be recomputed/)]);
    expect(cache.has(KEY)).toBe(false);
  });

  it('leaves nothing behind when a write is aborted part way', async () => {
    const controller = new AbortController();
    const put = cache.put(KEY, artifact(8 << 20), producer, { signal: controller.signal });
    setImmediate(() => controller.abort());
    await expect(put).rejects.toThrow();
    expect(cache.has(KEY)).toBe(false);
    expect(filesUnder(root)).toEqual([]);
  });

  it("gc keeps only the listed keys, and removes dead writers' temporaries but not a live writer's", async () => {
    const other = 'cd'.repeat(32);
    await cache.put(KEY, artifact(), producer);
    await cache.put(other, artifact(), producer);
    const tmp = path.join(root, 'tmp');
    const host = os.hostname();
    const live = `${KEY}~${host}~${process.pid}~aa`;
    const dead = `${KEY}~${host}~999999999~bb`;
    const foreignOld = `${KEY}~elsewhere~1~cc`;
    const foreignNew = `${KEY}~elsewhere~1~dd`;
    for (const name of [live, dead, foreignOld, foreignNew]) fs.mkdirSync(path.join(tmp, name), { recursive: true });
    const twoDaysAgo = new Date(Date.now() - 48 * 3600 * 1000);
    fs.utimesSync(path.join(tmp, foreignOld), twoDaysAgo, twoDaysAgo);
    expect(await cache.gc(new Set([KEY]))).toEqual([other]);
    expect(cache.list().map((e) => e.key)).toEqual([KEY]);
    expect(fs.readdirSync(tmp).sort()).toEqual([live, foreignNew].sort());
    expect(cache.diskUsage()).toBeGreaterThan(4000);
  });

  it('treats a changed digit in the metadata (score rows) as damage', async () => {
    await cache.put(KEY, artifact(), producer);
    const file = path.join(cache.entryDir(KEY), 'entry.json');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"a": 1', '"a": 7'));
    expect(await cache.get(KEY)).toBeUndefined();
    expect(warnings).toEqual([expect.stringMatching(/damaged \(metadata sha256 does not match the entry\)/)]);
  });

  it('treats an entry of an older format as damage, naming the format', async () => {
    await cache.put(KEY, artifact(), producer);
    const file = path.join(cache.entryDir(KEY), 'entry.json');
    fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), format: 1 }));
    expect(await cache.get(KEY)).toBeUndefined();
    expect(warnings).toEqual([
      expect.stringMatching(/written in entry format 1, which this rtlab no longer reads \(it reads 2 and 4\)/),
    ]);
  });

  it('does not delete an entry it cannot read: the read fails and names the folder', async () => {
    await cache.put(KEY, artifact(), producer);
    const tensors = path.join(cache.entryDir(KEY), TENSORS_FILE);
    fs.rmSync(tensors);
    fs.mkdirSync(tensors);
    await expect(cache.get(KEY)).rejects.toThrow(
      new RegExp(`cannot read cache entry .*${KEY} \\(EISDIR\\); it was left in place`),
    );
    expect(fs.existsSync(tensors)).toBe(true);
    expect(warnings).toEqual([]);
  });

  it('lets concurrent writers of one key all succeed, leaving one valid entry', async () => {
    await Promise.all(Array.from({ length: 8 }, () => cache.put(KEY, artifact(), producer)));
    expect((await cache.get(KEY))!.meta).toEqual(artifact().meta);
    expect(filesUnder(root).sort()).toEqual([`ab/${KEY}/entry.json`, `ab/${KEY}/${TENSORS_FILE}`]);
  });

  it('keeps the first entry of a key; replaces it only when asked (what --force does)', async () => {
    await cache.put(KEY, artifact(), producer);
    await cache.put(KEY, { ...artifact(), meta: { note: 'second writer' } }, producer);
    expect((await cache.get(KEY))!.meta).toEqual(artifact().meta); // without --force the first entry stays
    await cache.put(KEY, { ...artifact(), meta: { note: 'new' } }, producer, { replace: true });
    expect((await cache.get(KEY))!.meta).toEqual({ note: 'new' });
    expect(filesUnder(root).sort()).toEqual([`ab/${KEY}/entry.json`, `ab/${KEY}/${TENSORS_FILE}`]);
  });

  it('stores an entry over the debris of an interrupted removal (a key folder without entry.json)', async () => {
    fs.mkdirSync(cache.entryDir(KEY), { recursive: true });
    fs.writeFileSync(path.join(cache.entryDir(KEY), TENSORS_FILE), 'half');
    expect(cache.has(KEY)).toBe(false);
    await cache.put(KEY, artifact(), producer);
    expect((await cache.get(KEY))!.meta).toEqual(artifact().meta);
  });

  it('leaves an entry of a newer rtlab in place and says so, rather than removing it as damage', async () => {
    await cache.put(KEY, artifact(), producer);
    const file = path.join(cache.entryDir(KEY), ENTRY_FILE);
    fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), format: 99 }));
    await expect(cache.get(KEY)).rejects.toThrow(
      /^cache entry .* was written by a newer rtlab \(entry format 99; this one reads 2 and 4\): run that version, or use another --cache-dir; it was left in place$/,
    );
    expect(fs.existsSync(file)).toBe(true);
    expect(warnings).toEqual([]);
  });
});

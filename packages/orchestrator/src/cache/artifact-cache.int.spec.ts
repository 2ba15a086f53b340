import * as fs from 'node:fs';
import * as path from 'node:path';
import { Artifact } from '@rtlab/sdk';
import { filesUnder, tempDir } from '../test-support/temp-dir';
import { ArtifactCache } from './artifact-cache';
import { TENSORS_FILE } from './cache-entry';

const producer = { node: 'n', plugin: 'score/x', version: '1.0.0', canonical: '{}' };
const artifact = (n = 1000): Artifact => ({
  type: 'Scores',
  meta: { note: 'hello', rows: [{ a: 1 }] },
  tensors: { v: { dtype: 'float32', shape: [n], data: Float32Array.from({ length: n }, (_, i) => i / 7) }, l: { dtype: 'int32', shape: [2], data: Int32Array.from([3, 4]) } },
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

  it.each([
    ['a flipped byte', (f: string) => { const b = fs.readFileSync(f); b[b.length - 3] ^= 0xff; fs.writeFileSync(f, b); }],
    ['a truncated tensor file', (f: string) => fs.truncateSync(f, 100)],
    ['a missing tensor file', (f: string) => fs.rmSync(f)],
  ])('treats %s as corrupt: warns, removes the entry, returns nothing', async (_what, damage) => {
    await cache.put(KEY, artifact(), producer);
    damage(path.join(cache.entryDir(KEY), TENSORS_FILE));
    expect(await cache.get(KEY)).toBeUndefined();
    expect(warnings).toEqual([expect.stringMatching(/is corrupt .* removed, it will be recomputed/)]);
    expect(cache.has(KEY)).toBe(false);
  });

  it('leaves nothing behind when a write is aborted part way', async () => {
    const controller = new AbortController();
    const put = cache.put(KEY, artifact(8 << 20), producer, controller.signal);
    setImmediate(() => controller.abort());
    await expect(put).rejects.toThrow();
    expect(cache.has(KEY)).toBe(false);
    expect(filesUnder(root)).toEqual([]);
  });

  it('gc keeps only the listed keys and removes leftover temporary folders', async () => {
    const other = 'cd'.repeat(32);
    await cache.put(KEY, artifact(), producer);
    await cache.put(other, artifact(), producer);
    fs.mkdirSync(path.join(root, 'tmp', 'stale.1.x'), { recursive: true });
    expect(await cache.gc(new Set([KEY]))).toEqual([other]);
    expect(cache.list().map((e) => e.key)).toEqual([KEY]);
    expect(fs.existsSync(path.join(root, 'tmp'))).toBe(false);
    expect(cache.diskUsage()).toBeGreaterThan(4000);
  });
});

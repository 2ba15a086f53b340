import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, rtlab, set, workspace } from './rtlab-cli';

// A per-sample node (an attack) split into shards that run at once on the workers gives the bytes of one run.
const PIPELINE = path.join(ROOT, 'pipelines/dsprites-regression.json');
const SMALL = set('train.count=64', 'test.count=14', 'as-{pre}-{attack}.steps=3', 'as-{pre}-{attack}.batchSize=3');
const NODES = ['as-random-linf', 'as-random-l2'];

describe('sharded attack nodes', () => {
  const dir = workspace();

  it('1, 2 and 5 shards store bit-identical attack results', () => {
    const tensors = (shards: number): Record<string, Buffer> => {
      const cache = `cache-${shards}`;
      const r = rtlab(
        dir,
        'run',
        PIPELINE,
        ...SMALL,
        ...NODES.flatMap((n) => ['--only', n]),
        '--shards',
        String(shards),
        '--cache-dir',
        cache,
      );
      expect([r.code, r.stderr]).toEqual([0, expect.not.stringMatching(/warning|error/)]);
      if (shards > 1) for (const node of NODES) expect(r.stderr).toContain(`[${node}] ${shards} shards: 0-`);
      const record = fs
        .readFileSync(/record: (.*record\.jsonl)/.exec(r.stderr)![1], 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      return Object.fromEntries(
        record
          .filter((l) => NODES.includes(l.node))
          .map((l) => [
            l.node,
            fs.readFileSync(path.join(dir, cache, l.key.slice(0, 2), l.key, 'tensors.safetensors')),
          ]),
      );
    };
    const [one, two, five] = [tensors(1), tensors(2), tensors(5)];
    for (const node of NODES) {
      expect(one[node].length).toBeGreaterThan(0);
      expect(two[node].equals(one[node])).toBe(true);
      expect(five[node].equals(one[node])).toBe(true);
    }
  }, 120_000);

  it('a worker thread receives the weights once for all the shards it runs', () => {
    const copied = (shards: number): number => {
      const r = rtlab(
        dir,
        'run',
        PIPELINE,
        ...SMALL,
        '--only',
        'as-random-linf',
        '--shards',
        String(shards),
        '--workers',
        '1',
        '--cache-dir',
        `cache-copies-${shards}`,
      );
      expect(r.code).toBe(0);
      const record = fs
        .readFileSync(/record: (.*record\.jsonl)/.exec(r.stderr)![1], 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      return record.find((l) => l.node === 'as-random-linf').copiedBytes;
    };
    // one shard copies the model and the test set; five copy the model once and the test set in five slices
    const one = copied(1);
    expect(one).toBeGreaterThan(0);
    expect(copied(5)).toBe(one);
  }, 120_000);
});

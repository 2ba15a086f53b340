import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SeededRng } from '@rtlab/sdk';

/** The attack node, its network and data: small enough to time in a minute per configuration on 2 cores. */
const IMAGES = 32;
/** A CIFAR-10 binary record: one label byte, then 32x32 pixels in 3 channel planes. */
const RECORD_BYTES = 1 + 32 * 32 * 3;
const PIPELINE = {
  name: 'bench-sharded',
  seed: 0,
  nodes: {
    data: { kind: 'load', plugin: 'cifar10', params: { split: 'test' } },
    net: { kind: 'model', plugin: 'wide-resnet', params: { depth: 16, widen: 4 } },
    attack: {
      kind: 'attack',
      plugin: 'pgd-linf',
      inputs: { model: 'net', data: 'data' },
      params: { objective: 'representation', eps: 8 / 255, steps: 10, batchSize: 8 },
    },
  },
};

export interface ShardedRow {
  workload: string;
  /** Median seconds of the attack node on 1 worker (1 shard) and on `workers` workers (as many shards). */
  oneWorkerS: number;
  workers: number;
  manyWorkersS: number;
  speedup: number;
  identical: boolean;
}

const BIN = path.join(path.dirname(require.resolve('@rtlab/orchestrator/package.json')), 'bin/rtlab.js');

/** A CIFAR-10 binary test batch of seeded random images, where the cifar10 loader looks for it. */
function writeTestBatch(dataRoot: string): void {
  const rng = new SeededRng(7);
  const records = Buffer.alloc(IMAGES * RECORD_BYTES);
  for (let i = 0; i < records.length; i++) records[i] = i % RECORD_BYTES === 0 ? (i / RECORD_BYTES) % 10 : rng.int(256);
  fs.mkdirSync(path.join(dataRoot, 'cifar-10-batches-bin'), { recursive: true });
  fs.writeFileSync(path.join(dataRoot, 'cifar-10-batches-bin', 'test_batch.bin'), records);
}

/** Runs the pipeline, recomputing the attack; its duration from the run record and its stored tensors' sha256. */
function runAttack(dir: string, workers: number, backend: string): { seconds: number; sha256: string } {
  const r = spawnSync(
    process.execPath,
    [
      BIN,
      '--data-root',
      'data',
      'run',
      'pipeline.json',
      '--cache-dir',
      'cache',
      '--workers',
      String(workers),
      '--shards',
      String(workers),
      '--force',
      'attack',
      '--backend',
      backend,
    ],
    { cwd: dir, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`sharded bench run failed: ${r.stderr}`);
  const record = fs
    .readFileSync(/record: (.*record\.jsonl)/.exec(r.stderr)![1], 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const attack = record.find((l) => l.node === 'attack');
  const entry = JSON.parse(
    fs.readFileSync(path.join(dir, 'cache', attack.key.slice(0, 2), attack.key, 'entry.json'), 'utf8'),
  );
  return { seconds: attack.durationMs / 1000, sha256: entry.tensorsSha256 };
}

/**
 * One WideResNet attack node through the CLI on 1 worker and on `workers` workers (one shard each):
 * median durations and whether every run stored the same bytes.
 */
export function benchShardedAttack(
  workers: number,
  repeats: number,
  backend: string,
  median: (xs: number[]) => number,
): ShardedRow {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rtlab-bench-sharded-'));
  try {
    writeTestBatch(path.join(dir, 'data'));
    fs.writeFileSync(path.join(dir, 'pipeline.json'), JSON.stringify(PIPELINE));
    fs.writeFileSync(path.join(dir, 'rtlab.config.json'), JSON.stringify({ cacheDir: 'cache', runsDir: 'runs' }));
    runAttack(dir, 1, backend); // computes the data and the network once, and warms the file cache
    const one: ReturnType<typeof runAttack>[] = [];
    const many: ReturnType<typeof runAttack>[] = [];
    for (let i = 0; i < repeats; i++) {
      one.push(runAttack(dir, 1, backend));
      many.push(runAttack(dir, workers, backend));
    }
    const [a, b] = [median(one.map((r) => r.seconds)), median(many.map((r) => r.seconds))];
    const identical = new Set([...one, ...many].map((r) => r.sha256)).size === 1;
    return {
      workload: `wrn-16-4 pgd, ${IMAGES} images x 10 steps`,
      oneWorkerS: a,
      workers,
      manyWorkersS: b,
      speedup: a / b,
      identical,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

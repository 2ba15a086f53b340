import { describeBackend, releaseBackend, selectBackend } from '@rtlab/backends';
import { BackendName } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultReferenceScript, runTorchReference, torchAvailable } from './torch-reference';
import { benchShardedAttack, ShardedRow } from './sharded-attack';
import { WORKLOADS } from './workloads';

/** The name `--only` selects the sharded row by. */
const SHARDED = 'sharded-wrn-pgd';

interface Row {
  workload: string;
  rtlab: number;
  torch?: number;
  ratio?: number;
  tfPeakMB: number;
}

function option(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Median images/s over `repeats` timed runs after a warm-up run, which also measures the tfjs peak bytes. */
async function measure(name: string, repeats: number): Promise<{ imagesPerSecond: number; peakBytes: number }> {
  const w = WORKLOADS[name]();
  try {
    const profile = await tf.profile(async () => {
      await w.run();
    });
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const t = process.hrtime.bigint();
      await w.run();
      times.push(Number(process.hrtime.bigint() - t) / 1e9);
    }
    return { imagesPerSecond: w.images / median(times), peakBytes: profile.peakBytes };
  } finally {
    w.dispose();
  }
}

async function main(args: string[]): Promise<void> {
  const repeats = Number(option(args, 'repeats', '3'));
  const only = option(args, 'only', '').split(',').filter(Boolean);
  const out = option(args, 'out', 'bench-results/bench.json');
  const script = option(args, 'reference', defaultReferenceScript());
  const torchDevice = option(args, 'torch-device', 'cpu');
  const backend = await selectBackend(option(args, 'backend', 'auto') as BackendName | 'auto');
  const threads = backend.threads;
  console.log(describeBackend(backend));
  if (backend.device?.includes('(software)')) console.log('note: a software adapter emulates the GPU on the CPU; these are not GPU figures (use them to test, not to compare)');
  const noTorch = torchAvailable(script, torchDevice);
  console.log(noTorch ? `PyTorch reference: skipped (${noTorch})` : `PyTorch reference: ${script} on ${torchDevice}, ${threads} thread(s)`);
  const rows: Row[] = [];
  for (const name of Object.keys(WORKLOADS).filter((n) => !only.length || only.includes(n))) {
    const before = tf.memory().numTensors;
    const { imagesPerSecond, peakBytes } = await measure(name, repeats);
    const leaked = tf.memory().numTensors - before;
    if (leaked) throw new Error(`${name} leaked ${leaked} tensors`);
    const torch = noTorch ? undefined : runTorchReference(script, name, threads, repeats, torchDevice)[name];
    rows.push({ workload: name, rtlab: imagesPerSecond, torch, ratio: torch ? imagesPerSecond / torch : undefined, tfPeakMB: peakBytes / 2 ** 20 });
    const r = rows[rows.length - 1];
    console.log(`${name.padEnd(16)} rtlab ${r.rtlab.toFixed(1).padStart(8)} img/s   torch ${r.torch?.toFixed(1).padStart(8) ?? '       –'} img/s   ratio ${r.ratio?.toFixed(3) ?? '–'}   tfjs peak ${r.tfPeakMB.toFixed(0)} MiB`);
  }
  const maxRssMB = process.resourceUsage().maxRSS / 1024;
  console.log(`process peak RSS ${maxRssMB.toFixed(0)} MiB`);
  let sharded: ShardedRow | undefined;
  if ((!only.length || only.includes(SHARDED)) && backend.name !== 'webgpu') {
    sharded = benchShardedAttack(Number(option(args, 'workers', '2')), repeats, backend.name, median);
    console.log(`${SHARDED.padEnd(16)} ${sharded.workload}: 1 worker ${sharded.oneWorkerS.toFixed(1)} s, ${sharded.workers} workers ${sharded.manyWorkersS.toFixed(1)} s (median of ${repeats}): speed-up ${sharded.speedup.toFixed(2)}x, results ${sharded.identical ? 'identical' : 'DIFFER'}`);
  }
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), backend: backend.name, device: backend.device, torchDevice, threads, repeats, maxRssMB, rows, sharded }, null, 2) + '\n');
  console.log(`wrote ${out}`);
}

main(process.argv.slice(2))
  .catch((e) => {
    console.error(`bench: ${(e as Error).message}`);
    process.exitCode = 1;
  })
  .finally(releaseBackend);

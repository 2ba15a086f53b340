import { describeBackend, releaseBackend, selectBackend } from '@rtlab/backends';
import { BackendName } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultReferenceScript, findTorch, runTorchReference } from './torch-reference';
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

/** What `--out` holds: written after every row, and with `error` when the run stops early, so no finished row is lost. */
interface Results {
  date: string;
  backend?: string;
  device?: string;
  threads?: number;
  repeats: number;
  /** The PyTorch reference: where it ran, or why it did not; `error` when it failed. */
  torch?: { python: string; device: string; error?: string } | { skipped: string };
  maxRssMB?: number;
  rows: Row[];
  sharded?: ShardedRow;
  error?: string;
}

function save(out: string, results: Results): void {
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ ...results, maxRssMB: process.resourceUsage().maxRSS / 1024 }, null, 2) + '\n');
}

const show = (v: number | undefined, digits = 1) => (v === undefined ? '–' : v.toFixed(digits));

async function main(args: string[], results: Results, out: string): Promise<void> {
  const only = option(args, 'only', '').split(',').filter(Boolean);
  const script = option(args, 'reference', defaultReferenceScript());
  const torchDevice = option(args, 'torch-device', 'cpu');
  const backend = await selectBackend(option(args, 'backend', 'auto') as BackendName | 'auto');
  Object.assign(results, { backend: backend.name, device: backend.device, threads: backend.threads });
  console.log(describeBackend(backend));
  if (backend.device?.includes('(software)')) console.log('note: a software adapter emulates the GPU on the CPU; these are not GPU figures (use them to test, not to compare)');
  const torch = findTorch(script, torchDevice);
  console.log('skipped' in torch ? `PyTorch reference: skipped (${torch.skipped})` : `PyTorch reference: ${script} with ${torch.python} on ${torchDevice}, ${backend.threads} thread(s)`);
  results.torch = 'skipped' in torch ? torch : { python: torch.python, device: torchDevice };
  for (const name of Object.keys(WORKLOADS).filter((n) => !only.length || only.includes(n))) {
    const before = tf.memory().numTensors;
    const { imagesPerSecond, peakBytes } = await measure(name, results.repeats);
    const leaked = tf.memory().numTensors - before;
    if (leaked) throw new Error(`${name} leaked ${leaked} tensors`);
    results.rows.push({ workload: name, rtlab: imagesPerSecond, tfPeakMB: peakBytes / 2 ** 20 });
    console.log(`${name.padEnd(16)} rtlab ${show(imagesPerSecond).padStart(8)} img/s   tfjs peak ${(peakBytes / 2 ** 20).toFixed(0)} MiB`);
    save(out, results);
  }
  if (!('skipped' in torch) && results.rows.length) {
    // one PyTorch process for every workload, after rtlab's: a failure there loses none of rtlab's rows
    try {
      const reference = runTorchReference(torch.python, script, results.rows.map((r) => r.workload), backend.threads, results.repeats, torchDevice);
      for (const r of results.rows) Object.assign(r, { torch: reference[r.workload], ratio: r.rtlab / reference[r.workload] });
    } catch (e) {
      results.torch = { python: torch.python, device: torchDevice, error: (e as Error).message };
    }
    for (const r of results.rows) console.log(`${r.workload.padEnd(16)} torch ${show(r.torch).padStart(8)} img/s   rtlab/torch ${show(r.ratio, 3)}`);
    save(out, results);
  }
  console.log(`process peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  if ((!only.length || only.includes(SHARDED)) && backend.name !== 'webgpu') {
    const sharded = benchShardedAttack(Number(option(args, 'workers', '2')), results.repeats, backend.name, median);
    results.sharded = sharded;
    console.log(`${SHARDED.padEnd(16)} ${sharded.workload}: 1 worker ${sharded.oneWorkerS.toFixed(1)} s, ${sharded.workers} workers ${sharded.manyWorkersS.toFixed(1)} s (median of ${results.repeats}): speed-up ${sharded.speedup.toFixed(2)}x, results ${sharded.identical ? 'identical' : 'DIFFER'}`);
  }
  save(out, results);
  if ('error' in (results.torch ?? {})) throw new Error((results.torch as { error: string }).error);
  console.log(`wrote ${out}`);
}

const args = process.argv.slice(2);
const out = option(args, 'out', 'bench-results/bench.json');
const results: Results = { date: new Date().toISOString(), repeats: Number(option(args, 'repeats', '3')), rows: [] };
main(args, results, out)
  .catch((e) => {
    console.error(`bench: ${(e as Error).message}`);
    save(out, { ...results, error: (e as Error).message });
    console.error(`wrote ${out} (with the error)`);
    process.exitCode = 1;
  })
  .finally(releaseBackend);

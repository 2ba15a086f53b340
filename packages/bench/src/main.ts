import { describeBackend, releaseBackend, selectBackend } from '@rtlab/backends';
import { BackendName } from '@rtlab/sdk';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultReferenceScript, findTorch, runTorchReference } from './torch-reference';
import { benchShardedAttack, ShardedRow } from './sharded-attack';
import { BENCH_WORKLOADS } from './workloads';
import { measureWorkload, median } from './measure-workload';

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
  fs.writeFileSync(
    out,
    JSON.stringify({ ...results, maxRssMB: process.resourceUsage().maxRSS / 1024 }, null, 2) + '\n',
  );
}

const show = (v: number | undefined, digits = 1) => (v === undefined ? '–' : v.toFixed(digits));

async function main(args: string[], results: Results, out: string): Promise<void> {
  const only = option(args, 'only', '').split(',').filter(Boolean);
  const script = option(args, 'reference', defaultReferenceScript());
  const torchDevice = option(args, 'torch-device', 'cpu');
  const backend = await selectBackend(option(args, 'backend', 'auto') as BackendName | 'auto');
  Object.assign(results, { backend: backend.name, device: backend.device, threads: backend.threads });
  console.log(describeBackend(backend));
  if (backend.device?.includes('(software)'))
    console.log(
      'note: a software adapter emulates the GPU on the CPU; these are not GPU figures (use them to test, not to compare)',
    );
  const torch = findTorch(script, torchDevice);
  console.log(
    'skipped' in torch
      ? `PyTorch reference: skipped (${torch.skipped})`
      : `PyTorch reference: ${script} with ${torch.python} on ${torchDevice}, ${backend.threads} thread(s)`,
  );
  results.torch = 'skipped' in torch ? torch : { python: torch.python, device: torchDevice };
  const unknown = only.filter((n) => n !== SHARDED && !BENCH_WORKLOADS.some((w) => w.name === n));
  if (unknown.length)
    throw new Error(
      `--only: no workload ${unknown.join(', ')} (there are ${[...BENCH_WORKLOADS.map((w) => w.name), SHARDED].join(', ')})`,
    );
  const specs = BENCH_WORKLOADS.filter((w) => !only.length || only.includes(w.name));
  for (const spec of specs) {
    const { imagesPerSecond, peakBytes } = await measureWorkload(spec, results.repeats);
    results.rows.push({ workload: spec.name, rtlab: imagesPerSecond, tfPeakMB: peakBytes / 2 ** 20 });
    console.log(
      `${spec.name.padEnd(16)} rtlab ${show(imagesPerSecond).padStart(8)} img/s   tfjs peak ${(peakBytes / 2 ** 20).toFixed(0)} MiB`,
    );
    save(out, results);
  }
  for (const r of results.rows.filter((row) => row.workload.startsWith('resnet50-onnx-'))) {
    const native = results.rows.find((row) => row.workload === r.workload.replace('-onnx-', '-'));
    if (native)
      console.log(`${r.workload.padEnd(16)} model/onnx / model/resnet-bottleneck ${show(r.rtlab / native.rtlab, 3)}`);
  }
  if (!('skipped' in torch) && results.rows.length) {
    // one PyTorch process for every workload, after rtlab's: a failure there loses none of rtlab's rows
    try {
      const reference = runTorchReference(torch.python, script, specs, backend.threads, results.repeats, torchDevice);
      const failed = results.rows
        .filter((r) => typeof reference[r.workload] !== 'number')
        .map((r) => `${r.workload}: ${(reference[r.workload] as { error?: string })?.error ?? 'no result'}`);
      for (const r of results.rows)
        if (typeof reference[r.workload] === 'number')
          Object.assign(r, { torch: reference[r.workload], ratio: r.rtlab / (reference[r.workload] as number) });
      if (failed.length)
        results.torch = {
          python: torch.python,
          device: torchDevice,
          error: `torch reference failed on ${failed.join('; ')}`,
        };
    } catch (e) {
      results.torch = { python: torch.python, device: torchDevice, error: (e as Error).message };
    }
    for (const r of results.rows)
      console.log(
        `${r.workload.padEnd(16)} torch ${show(r.torch).padStart(8)} img/s   rtlab/torch ${show(r.ratio, 3)}`,
      );
    save(out, results);
  }
  console.log(`process peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  if ((!only.length || only.includes(SHARDED)) && backend.name !== 'webgpu') {
    const sharded = benchShardedAttack(Number(option(args, 'workers', '2')), results.repeats, backend.name, median);
    results.sharded = sharded;
    console.log(
      `${SHARDED.padEnd(16)} ${sharded.workload}: 1 worker ${sharded.oneWorkerS.toFixed(1)} s, ${sharded.workers} workers ${sharded.manyWorkersS.toFixed(1)} s (median of ${results.repeats}): speed-up ${sharded.speedup.toFixed(2)}x, results ${sharded.identical ? 'identical' : 'DIFFER'}`,
    );
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

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const PYTHON = '/usr/bin/python3';

/** The repository's PyTorch reference: tools/torch-bench.py times the same workloads and shapes. */
export function defaultReferenceScript(): string {
  return path.resolve(__dirname, '../../../tools/torch-bench.py');
}

/** Whether the system Python can import torch (and reach `device`), and why not. */
export function torchAvailable(script: string, device = 'cpu'): string | undefined {
  if (!fs.existsSync(script)) return `reference script not found at ${script}`;
  const r = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (r.status !== 0) return `${PYTHON} cannot import torch (apt-get install -y python3-torch)`;
  if (device === 'cuda' && spawnSync(PYTHON, ['-c', 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)']).status !== 0) return 'torch.cuda.is_available() is false';
  return undefined;
}

/** Runs the reference for one workload with the given thread count; images/s by workload name. */
export function runTorchReference(script: string, workload: string, threads: number, repeats: number, device = 'cpu'): Record<string, number> {
  const r = spawnSync(PYTHON, [script, '--threads', String(threads), '--repeats', String(repeats), '--only', workload, '--device', device, '--json'], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: String(threads) } });
  if (r.status !== 0) throw new Error(`torch reference failed: ${r.stderr.trim().split('\n').pop()}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

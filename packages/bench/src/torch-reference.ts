import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WorkloadSpec } from './workloads';

/** The repository's PyTorch reference: tools/torch-bench.py times the same workloads and shapes. */
export function defaultReferenceScript(): string {
  return path.resolve(__dirname, '../../../tools/torch-bench.py');
}

/** Where to look for a Python with torch: $RTLAB_PYTHON alone when set, else python3 on the PATH (a venv), then Debian's. */
function pythonCandidates(): string[] {
  return process.env.RTLAB_PYTHON ? [process.env.RTLAB_PYTHON] : ['python3', '/usr/bin/python3'];
}

export type TorchReference = { python: string } | { skipped: string };

/** The first Python that can import torch (and reach `device`), or why none can run the reference. */
export function findTorch(script: string, device = 'cpu'): TorchReference {
  if (!fs.existsSync(script)) return { skipped: `reference script not found at ${script}` };
  const reasons: string[] = [];
  for (const python of pythonCandidates()) {
    const r = spawnSync(
      python,
      ['-c', 'import torch, sys; sys.exit(0 if sys.argv[1] != "cuda" or torch.cuda.is_available() else 3)', device],
      { encoding: 'utf8' },
    );
    if (r.status === 0) return { python };
    reasons.push(r.status === 3 ? `${python}: torch.cuda.is_available() is false` : `${python} cannot import torch`);
  }
  return {
    skipped: `${reasons.join('; ')} (apt-get install -y python3-torch, or set RTLAB_PYTHON to a Python with torch)`,
  };
}

/** What the reference measured: images/s by workload name, or why that workload failed there. */
export type TorchRates = Record<string, number | { error: string }>;

/** Runs the reference for the given workloads in one process with the given thread count (0: torch decides). */
export function runTorchReference(
  python: string,
  script: string,
  specs: WorkloadSpec[],
  threads: number,
  repeats: number,
  device = 'cpu',
  timeoutMs?: number,
): TorchRates & { gpu?: string | null; torch?: string } {
  const threadEnv = threads ? { OMP_NUM_THREADS: String(threads) } : {};
  const args = [
    script,
    '--workloads',
    '-',
    '--threads',
    String(threads),
    '--repeats',
    String(repeats),
    '--device',
    device,
    '--json',
  ];
  const r = spawnSync(python, args, {
    input: JSON.stringify(specs),
    encoding: 'utf8',
    env: { ...process.env, ...threadEnv },
    timeout: timeoutMs,
    maxBuffer: 64 * 2 ** 20,
  });
  if (r.error) throw new Error(`torch reference failed: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`torch reference failed: ${r.stderr.trim().split('\n').pop()}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

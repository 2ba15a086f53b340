import { findTorch, runTorchReference } from '../torch-reference';
import { WorkloadSpec } from '../workloads';
import { StepResult } from './step-file';

/**
 * The same workloads in PyTorch (fp32, TF32 off) on CUDA, in one process: the reference the ratios are
 * taken against. A GPU machine must have it; a rehearsal without torch says it skipped.
 */
export function torchStep(
  script: string,
  specs: WorkloadSpec[],
  rehearsal: boolean,
  repeats: number,
  timeoutMs: number,
): StepResult {
  const device = rehearsal ? 'cpu' : 'cuda';
  const torch = findTorch(script, device);
  if ('skipped' in torch)
    return {
      passed: rehearsal,
      skipped: torch.skipped,
      device,
      ...(rehearsal ? {} : { error: `no PyTorch on CUDA here: ${torch.skipped}` }),
    };
  const rates = runTorchReference(torch.python, script, specs, 0, repeats, device, timeoutMs);
  const failed = specs
    .filter((s) => typeof rates[s.name] !== 'number')
    .map((s) => `${s.name}: ${(rates[s.name] as { error?: string } | undefined)?.error ?? 'no result'}`);
  return {
    passed: failed.length === 0,
    python: torch.python,
    device,
    rates,
    ...(failed.length ? { error: failed.join('; ') } : {}),
  };
}

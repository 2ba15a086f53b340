import { releaseBackend, selectBackend, throwDeviceErrors } from '@rtlab/backends';
import { measureWorkload } from '../measure-workload';
import { WorkloadSpec } from '../workloads';
import { WorkloadGroup } from './paper-workloads';
import { StepResult } from './step-file';

/** One workload's row: its spec and images/s, or why it could not run. */
export interface WorkloadRow {
  name: string;
  spec: WorkloadSpec;
  imagesPerSecond?: number;
  warmUpS?: number;
  timesS?: number[];
  tfPeakMiB?: number;
  error?: string;
}

/**
 * Times a group of workloads on webgpu, each after a warm-up (which compiles its shaders), `repeats` times
 * or fewer once `budgetS` is spent. `save` gets the step's result after every row, so a time-out keeps
 * what finished. A row the GPU rejected (device errors are checked after each) is an error, not a rate.
 */
export async function workloadsStep(
  group: WorkloadGroup,
  repeats: number,
  budgetS: number,
  save: (r: StepResult) => void,
): Promise<StepResult> {
  const { device } = await selectBackend('webgpu');
  const rows: WorkloadRow[] = [];
  const result = (): StepResult => ({
    passed: rows.length === group.specs.length && rows.every((r) => r.error === undefined),
    adapter: device,
    rows,
  });
  try {
    for (const spec of group.specs) {
      try {
        const m = await measureWorkload(spec, repeats, budgetS / group.specs.length);
        await throwDeviceErrors();
        rows.push({
          name: spec.name,
          spec,
          imagesPerSecond: m.imagesPerSecond,
          warmUpS: m.warmUpS,
          timesS: m.timesS,
          tfPeakMiB: m.peakBytes / 2 ** 20,
        });
      } catch (e) {
        rows.push({ name: spec.name, spec, error: (e as Error).message.split('\n')[0] });
      }
      save(result());
    }
    return result();
  } finally {
    await releaseBackend();
  }
}

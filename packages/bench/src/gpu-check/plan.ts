import { workloadGroups } from './paper-workloads';

/** One step of the GPU check: a process of its own under `timeout`, so a hang in a driver costs only its limit. */
export interface PlannedStep {
  name: string;
  limitS: number;
  /** Runs on the WebGPU adapter: pointless, and slow, once the adapter step found no GPU. */
  onAdapter: boolean;
}

/**
 * The steps in order, with limits that sum, with run.sh's 5 s of grace to kill each, to under 8 minutes
 * (the whole check must fit a short slot on a borrowed GPU); a workload group measures for its limit
 * less start-up.
 */
export function plan(rehearsal: boolean): PlannedStep[] {
  const groupLimits: Record<string, number> = { 'wrn-34-10': 120, 'wrn-50-2': 60, dsprites: 30 };
  return [
    { name: 'machine', limitS: 10, onAdapter: false },
    { name: 'adapter', limitS: 20, onAdapter: false },
    { name: 'kernels', limitS: 45, onAdapter: true },
    ...workloadGroups(rehearsal).map((g) => ({
      name: `workloads-${g.name}`,
      limitS: groupLimits[g.name] ?? 30,
      onAdapter: true,
    })),
    { name: 'torch', limitS: 80, onAdapter: false },
    { name: 'pipeline', limitS: 70, onAdapter: true },
  ];
}

/** Seconds a step keeps for starting (Node, Dawn, the device) and writing its result. */
export const START_UP_S = 15;

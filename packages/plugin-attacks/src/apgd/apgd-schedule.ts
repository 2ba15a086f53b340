/**
 * APGD's checkpoint spacing for a run of `steps` iterations (Croce and Hein, ICML 2020): the first check
 * after 22% of the steps, each later gap 3% shorter, down to 6% (each at least one step).
 */
export interface ApgdSchedule {
  firstGap: number;
  decrease: number;
  minGap: number;
}

/** The schedule of a run of `steps` iterations. */
export function apgdSchedule(steps: number): ApgdSchedule {
  return {
    firstGap: Math.max(Math.floor(0.22 * steps), 1),
    decrease: Math.max(Math.floor(0.03 * steps), 1),
    minGap: Math.max(Math.floor(0.06 * steps), 1),
  };
}

/** The 0-based iterations after which APGD checks its step size (checkpoints within the run). */
export function apgdCheckpoints(steps: number): number[] {
  const s = apgdSchedule(steps);
  const checks: number[] = [];
  for (let at = s.firstGap - 1, gap = s.firstGap; at < steps;) {
    checks.push(at);
    gap = Math.max(gap - s.decrease, s.minGap);
    at += gap;
  }
  return checks;
}

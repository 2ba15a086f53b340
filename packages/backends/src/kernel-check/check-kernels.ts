import { compareWithCpu } from './compare-backends';
import { KERNEL_CASES, KERNEL_TOLERANCE } from './kernel-cases';

/** How one kernel case did on a backend against the cpu backend. */
export interface KernelCheck {
  name: string;
  /** max |cpu - backend| / max |cpu|. */
  error: number;
  shapes: [number[], number[]];
  leaked: number;
  passed: boolean;
  /** Why it could not run, if it threw. */
  failure?: string;
}

/**
 * Runs every kernel case on `backend` and on cpu (both must be registered, `backend` started) and says
 * how each did; one case that throws does not stop the others.
 */
export async function checkKernels(backend: string): Promise<KernelCheck[]> {
  const results: KernelCheck[] = [];
  for (const [name, compute] of KERNEL_CASES) {
    try {
      const { error, shapes, leaked } = await compareWithCpu(backend, compute);
      const passed = error <= KERNEL_TOLERANCE && leaked === 0 && shapes[0].join() === shapes[1].join();
      results.push({ name, error, shapes, leaked, passed });
    } catch (e) {
      results.push({
        name,
        error: NaN,
        shapes: [[], []],
        leaked: 0,
        passed: false,
        failure: (e as Error).message.split('\n')[0],
      });
    }
  }
  return results;
}

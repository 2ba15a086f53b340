import { checkKernels, releaseBackend, selectBackend } from '@rtlab/backends';
import { isSoftware } from './adapter-step';
import { StepResult } from './step-file';

/** Every kernel rtlab uses, with gradients, on the webgpu adapter against the cpu backend. */
export async function kernelsStep(rehearsal: boolean): Promise<StepResult> {
  await selectBackend('cpu');
  const { device } = await selectBackend('webgpu');
  try {
    const kernels = await checkKernels('webgpu');
    const failed = kernels
      .filter((k) => !k.passed)
      .map(
        (k) =>
          `${k.name}: ${k.failure ?? `error ${k.error.toExponential(2)}, leaked ${k.leaked}, shapes ${JSON.stringify(k.shapes)}`}`,
      );
    const onGpu = rehearsal || !isSoftware(device);
    const error = [...failed, ...(onGpu ? [] : [`ran on a software adapter (${device})`])].join('; ');
    return { passed: !error, adapter: device, kernels, ...(error ? { error } : {}) };
  } finally {
    await releaseBackend();
  }
}

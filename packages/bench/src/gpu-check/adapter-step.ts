import { releaseBackend, selectBackend } from '@rtlab/backends';
import * as tf from '@tensorflow/tfjs-core';
import { StepResult } from './step-file';

const LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupsPerDimension',
];

const isSoftware = (device?: string) => / \(software\)$/.test(device ?? '');

/**
 * What `--backend auto` picks, and the WebGPU adapter with its limits. On a GPU machine auto must pick
 * webgpu on a real adapter; a software adapter there means the GPU's Vulkan driver was not found.
 */
export async function adapterStep(rehearsal: boolean): Promise<StepResult> {
  const auto = await selectBackend('auto');
  const webgpu = auto.name === 'webgpu' ? auto : await selectBackend('webgpu');
  const device = (tf.backend() as unknown as { device: { limits: Record<string, number> } }).device;
  const limits = Object.fromEntries(LIMITS.map((k) => [k, device.limits[k]]));
  await releaseBackend();
  const software = isSoftware(webgpu.device);
  const result = { adapter: webgpu.device, software, limits, auto: { picked: auto.name, skipped: auto.skipped } };
  if (software && !rehearsal)
    return {
      ...result,
      passed: false,
      error: `a software adapter (${webgpu.device}), not this machine's GPU: its Vulkan driver was not found (see machine.vulkan)`,
    };
  if (!software && auto.name !== 'webgpu')
    return { ...result, passed: false, error: `--backend auto picked ${auto.name}, not webgpu on ${webgpu.device}` };
  return { ...result, passed: true };
}

export { isSoftware };

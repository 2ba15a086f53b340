import * as tf from '@tensorflow/tfjs-core';
import { releaseBackend } from '../release-backend';
import { selectBackend } from '../select-backend';
import { throwDeviceErrors } from './device-errors';
import { compareWithCpu } from '../kernel-check/compare-backends';
import { KERNEL_CASES, KERNEL_TOLERANCE } from '../kernel-check/kernel-cases';
import { useSoftwareAdapter } from './test-support/software-adapter';

// Every kernel rtlab's plugins use, with gradients, on tfjs's webgpu backend against the cpu backend.
// The device is Mesa's lavapipe (a software Vulkan device), so the results are the same on any machine.
describe('the webgpu backend (software adapter) against cpu', () => {
  beforeAll(async () => {
    useSoftwareAdapter();
    await selectBackend('cpu');
    const info = await selectBackend('webgpu');
    expect(info.device).toMatch(/llvmpipe.*\(software\)$/);
    process.stdout.write(`webgpu adapter: ${info.device}\n`);
  });
  afterAll(() => releaseBackend());

  it.each(KERNEL_CASES)('%s matches to 1e-5 relative and leaks nothing', async (_name, f) => {
    const { error, shapes, leaked } = await compareWithCpu('webgpu', f);
    expect(shapes[1]).toEqual(shapes[0]);
    expect(error).toBeLessThanOrEqual(KERNEL_TOLERANCE);
    expect(leaked).toBe(0);
  });

  it('work the GPU rejects (a tensor over the storage binding limit) is an error naming the limit, not zeros; the next check is clean', async () => {
    await tf.setBackend('webgpu');
    await throwDeviceErrors();
    const limit = (tf.backend() as unknown as { device: { limits: { maxStorageBufferBindingSize: number } } }).device
      .limits.maxStorageBufferBindingSize;
    tf.tidy(() => tf.mul(tf.fill([Math.floor(limit / 4) + 1024], 1), 2)); // on lavapipe tfjs then reads zeros, without an exception
    await expect(throwDeviceErrors()).rejects.toThrow(
      new RegExp(
        `^the GPU rejected work, so these results would be wrong: .*storage binding limit \\(${limit} bytes\\)`,
      ),
    );
    await expect(throwDeviceErrors()).resolves.toBeUndefined();
  });
});

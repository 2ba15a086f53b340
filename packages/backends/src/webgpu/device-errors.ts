import * as tf from '@tensorflow/tfjs-core';
import { RtlabError } from '@rtlab/sdk';

interface WatchedDevice {
  addEventListener(type: 'uncapturederror', listener: (e: { error?: { message?: string } }) => void): void;
  lost: Promise<{ reason?: string; message?: string }>;
  queue: { onSubmittedWorkDone(): Promise<void> };
  limits: { maxStorageBufferBindingSize: number };
}

let device: WatchedDevice | undefined;
let firstError: string | undefined;
/** A lost device stays lost: every later check fails too. */
let lost: string | undefined;

/**
 * Keeps the first error the webgpu device reports. Dawn rejects invalid work (a tensor larger than a
 * storage binding may be) only with an event, and that work then computes nothing: tfjs reads zeros.
 * Call once the backend is set.
 */
export function watchDeviceErrors(): void {
  const watched = (tf.backend() as unknown as { device: WatchedDevice }).device;
  [device, firstError, lost] = [watched, undefined, undefined];
  watched.addEventListener('uncapturederror', (e) => {
    if (device === watched) firstError ??= (e.error?.message ?? 'unknown error').split('\n')[0];
  });
  void watched.lost.then((info) => {
    if (device === watched && info.reason !== 'destroyed')
      lost ??= `the device was lost (${info.message ?? info.reason})`;
  });
}

/** Stops checking the device (it is being released): its later events concern no job. */
export function forgetDevice(): void {
  [device, firstError, lost] = [undefined, undefined, undefined];
}

/**
 * Throws the first error the webgpu device reported since the last call, once the work submitted so far
 * has finished: the results computed meanwhile cannot be trusted. Nothing to do on other backends.
 */
export async function throwDeviceErrors(): Promise<void> {
  if (!device || tf.getBackend() !== 'webgpu') return;
  await device.queue.onSubmittedWorkDone();
  await new Promise((resolve) => setImmediate(resolve)); // the error event comes after the work it rejected
  const error = lost ?? firstError;
  if (error === undefined) return;
  firstError = undefined;
  throw new RtlabError(
    'plugin',
    `the GPU rejected work, so these results would be wrong: ${error} A tensor larger than the device's storage binding limit (${device.limits.maxStorageBufferBindingSize} bytes) is the usual cause: lower the node's batchSize or gradientBatch`,
  );
}

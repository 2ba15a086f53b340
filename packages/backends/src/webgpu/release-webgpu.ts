import * as tf from '@tensorflow/tfjs-core';
import { forgetDevice } from './device-errors';

/**
 * Removes tfjs's webgpu backend, destroys its device and drops `navigator.gpu` (Dawn's instance), so
 * that the process can exit: a live Dawn device or instance keeps Node's event loop alive. The device's
 * queue is drained first: Dawn crashes the exiting process (SIGSEGV, SIGABRT) when it is destroyed
 * with work or callbacks in flight.
 */
export async function releaseWebgpu(): Promise<void> {
  const backend = tf.findBackend('webgpu') as unknown as {
    device?: { destroy(): void; queue: { onSubmittedWorkDone(): Promise<void> } };
  } | null;
  forgetDevice();
  if (backend) {
    await backend.device?.queue.onSubmittedWorkDone();
    tf.removeBackend('webgpu');
    backend.device?.destroy();
  }
  const navigator = (globalThis as unknown as { navigator?: { gpu?: unknown } }).navigator;
  if (navigator && 'gpu' in navigator) delete navigator.gpu;
}

import * as tf from '@tensorflow/tfjs-core';

/**
 * Removes tfjs's webgpu backend, destroys its device and drops `navigator.gpu` (Dawn's instance), so
 * that the process can exit: a live Dawn device or instance keeps Node's event loop alive.
 */
export function releaseWebgpu(): void {
  const backend = tf.findBackend('webgpu') as unknown as { device?: { destroy(): void } } | null;
  if (backend) {
    tf.removeBackend('webgpu');
    backend.device?.destroy();
  }
  const navigator = (globalThis as unknown as { navigator?: { gpu?: unknown } }).navigator;
  if (navigator && 'gpu' in navigator) delete navigator.gpu;
}

import * as tf from '@tensorflow/tfjs-core';

/**
 * Removes tfjs's webgpu backend and destroys its device, so that the process can exit: a live Dawn
 * device keeps Node's event loop alive.
 */
export function releaseWebgpu(): void {
  if (!tf.findBackend('webgpu')) return;
  const device = (tf.findBackend('webgpu') as unknown as { device?: { destroy(): void } }).device;
  tf.removeBackend('webgpu');
  device?.destroy();
}

import * as tf from '@tensorflow/tfjs-core';
import { releaseBackend } from '../release-backend';
import { selectBackend } from '../select-backend';
import { throwDeviceErrors } from './device-errors';
import { compareWithCpu, wave } from '../wasm-kernels/test-support/compare-backends';
import { useSoftwareAdapter } from './test-support/software-adapter';

// Every kernel rtlab's plugins use, with gradients, on tfjs's webgpu backend against the cpu backend.
// The device is Mesa's lavapipe (a software Vulkan device), so the results are the same on any machine.
const conv = (x: tf.Tensor, w: tf.Tensor, stride: number, pad: 'same' | 'valid') => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, pad);
const upstream = (y: tf.Tensor) => wave(y.shape, 0.61);

const CASES: [string, () => tf.Tensor][] = [
  ['conv2d', () => conv(wave([2, 9, 9, 3]), wave([3, 3, 3, 5], 0.2), 1, 'same')],
  ['conv2d input gradient (stride 2)', () => tf.grad((x) => tf.sum(tf.mul(conv(x, wave([3, 3, 3, 4], 0.2), 2, 'same'), upstream(conv(x, wave([3, 3, 3, 4], 0.2), 2, 'same')))))(wave([2, 8, 8, 3]))],
  ['conv2d filter gradient', () => tf.grad((w) => tf.sum(tf.mul(conv(wave([2, 8, 8, 3]), w, 1, 'valid'), upstream(conv(wave([2, 8, 8, 3]), w, 1, 'valid')))))(wave([5, 5, 3, 6], 0.2))],
  ['avgPool and its gradient', () => tf.grad((x) => tf.sum(tf.mul(tf.avgPool(x as tf.Tensor4D, 2, 2, 'valid'), upstream(tf.avgPool(x as tf.Tensor4D, 2, 2, 'valid')))))(wave([2, 8, 8, 3]))],
  ['matMul with transposes and its gradient', () => tf.grad((a) => tf.sum(tf.mul(tf.matMul(a as tf.Tensor2D, wave([7, 5]) as tf.Tensor2D, false, true), wave([6, 7], 0.3))))(wave([6, 5]))],
  ['matMul with transposeB and a shared dimension of 2704 (the dSprites CNN\'s first dense layer)', () => tf.matMul(wave([64, 2704]), wave([120, 2704], 0.2), false, true)],
  ['matMul with transposeA and a shared dimension of 4096', () => tf.matMul(wave([4096, 16]), wave([4096, 64], 0.2), true, false)],
  ['batch norm by broadcasting, training mode, gradient', () => tf.grad((x) => {
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    return tf.sum(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), upstream(x)));
  })(wave([4, 5, 5, 3]))],
  ['softmax cross-entropy and its gradient', () => tf.grad((z) => tf.sum(tf.neg(tf.sum(tf.mul(tf.oneHot(tf.tensor1d([0, 3, 1, 2], 'int32'), 4), tf.logSoftmax(z as tf.Tensor2D)), 1))))(wave([4, 4]))],
  ['sign, down to 1e-9', () => tf.sign(tf.mul(wave([64]), 1e-9))],
  ['relu, abs, sqrt and their gradients', () => tf.grad((x) => tf.sum(tf.add(tf.relu(x), tf.sqrt(tf.add(tf.abs(x), 1)))))(wave([32]))],
  ['reductions used by norms (sum, mean, max, euclidean norm per row)', () => tf.concat([tf.sum(wave([4, 6]), 1), tf.mean(wave([4, 6]), 1), tf.max(wave([4, 6]), 1), tf.norm(wave([4, 6]), 'euclidean', 1)])],
  ['clip, minimum and maximum (the PGD projection)', () => tf.clipByValue(tf.minimum(tf.maximum(wave([50]), -0.3), 0.7), 0, 0.5)],
  ['argMax', () => tf.cast(tf.argMax(wave([5, 7]), 1), 'float32')],
];

describe('the webgpu backend (software adapter) against cpu', () => {
  beforeAll(async () => {
    useSoftwareAdapter();
    await selectBackend('cpu');
    const info = await selectBackend('webgpu');
    if (process.env.RTLAB_WEBGPU_ADAPTER !== 'system') expect(info.device).toMatch(/llvmpipe.*\(software\)$/);
    else expect(info.device).not.toMatch(/\(software\)/); // tools/gpu-check.sh: the machine's GPU, not an emulation
    process.stdout.write(`webgpu adapter: ${info.device}\n`);
  });
  afterAll(() => releaseBackend());

  it.each(CASES)('%s matches to 1e-5 relative and leaks nothing', async (_name, f) => {
    const { error, shapes, leaked } = await compareWithCpu('webgpu', f);
    expect(shapes[1]).toEqual(shapes[0]);
    expect(error).toBeLessThanOrEqual(1e-5);
    expect(leaked).toBe(0);
  });

  it('work the GPU rejects (a tensor over the storage binding limit) is an error naming the limit, not zeros; the next check is clean', async () => {
    await tf.setBackend('webgpu');
    await throwDeviceErrors();
    const limit = (tf.backend() as unknown as { device: { limits: { maxStorageBufferBindingSize: number } } }).device.limits.maxStorageBufferBindingSize;
    tf.tidy(() => tf.mul(tf.fill([Math.floor(limit / 4) + 1024], 1), 2)); // on lavapipe tfjs then reads zeros, without an exception
    await expect(throwDeviceErrors()).rejects.toThrow(new RegExp(`^the GPU rejected work, so these results would be wrong: .*storage binding limit \\(${limit} bytes\\)`));
    await expect(throwDeviceErrors()).resolves.toBeUndefined();
  });
});

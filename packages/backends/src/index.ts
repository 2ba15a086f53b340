// The public API of @rtlab/backends: choosing and starting a tensor backend (wasm gets rtlab's kernels).
export { describeBackend } from './describe-backend';
export { selectBackend, SelectOptions } from './select-backend';
export { releaseBackend } from './release-backend';
export { throwDeviceErrors } from './webgpu/device-errors';
export { checkKernels, KernelCheck } from './kernel-check/check-kernels';

import { releaseBackend, selectBackend } from '../packages/backends/src';
import { useSoftwareAdapter } from '../packages/backends/src/webgpu/test-support/software-adapter';
import { againstPyTorch, ONNX_FAMILIES } from '../packages/plugin-models/src/test-support/onnx-reference';

// The ONNX import on Mesa's software GPU (lavapipe), against PyTorch's float64 outputs, as
// packages/plugin-models checks it on wasm and cpu.
describe('model/onnx on webgpu (software adapter) equals PyTorch', () => {
  beforeAll(async () => {
    useSoftwareAdapter();
    await selectBackend('webgpu');
  });
  afterAll(() => releaseBackend());

  it.each(ONNX_FAMILIES)(
    '%s: features and logits within 1e-4, input gradients within 1e-3',
    async (family) => {
      const r = await againstPyTorch(family);
      expect(r.meta).toMatchObject(r.expected);
      expect(r.leaked).toBe(0);
      expect(r.features).toBeLessThan(1e-4);
      expect(r.logits).toBeLessThan(1e-4);
      expect(r.gradient).toBeLessThan(1e-3);
    },
    120_000,
  );
});

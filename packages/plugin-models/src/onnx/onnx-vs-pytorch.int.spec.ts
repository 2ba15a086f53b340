import { selectBackend } from '@rtlab/backends';
import { againstPyTorch, ONNX_FAMILIES } from '../test-support/onnx-reference';

// Networks exported by torch.onnx.export, against PyTorch's float64 outputs (tools/make-onnx-fixtures.py);
// e2e/webgpu-onnx.spec.ts runs the same on webgpu.
describe.each(['wasm', 'cpu'] as const)('model/onnx on %s equals PyTorch', (backend) => {
  beforeAll(() => selectBackend(backend));

  it.each(ONNX_FAMILIES)('%s: features and logits within 1e-4, input gradients within 1e-3', async (family) => {
    const r = await againstPyTorch(family);
    expect(r.meta).toMatchObject(r.expected);
    expect(r.leaked).toBe(0);
    expect(r.features).toBeLessThan(1e-4);
    expect(r.logits).toBeLessThan(1e-4);
    expect(r.gradient).toBeLessThan(1e-3);
  });
});

import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeSafetensors } from '../safetensors/safetensors';
import { resizeBilinear } from './resize-bilinear';

// PyTorch's F.interpolate(bilinear, antialias=True) outputs, made by tools/make-torch-fixtures.py.
const FIXTURE = path.join(__dirname, '../../fixtures/torch-resize.io.safetensors');

describe('resizeBilinear against PyTorch (torchvision Resize, antialias=True)', () => {
  const { tensors } = decodeSafetensors(fs.readFileSync(FIXTURE), FIXTURE);
  const [, h, w, c] = tensors.input.shape;

  it.each([
    ['up', 'enlarging'],
    ['down', 'shrinking'],
  ])('%s: matches to 1e-5 (%s)', (name) => {
    const [, outH, outW] = tensors[name].shape;
    const ours = resizeBilinear(tensors.input.data as Float32Array, [h, w, c], [outH, outW]);
    const theirs = tensors[name].data as Float32Array;
    expect(ours.length).toBe(theirs.length);
    const worst = ours.reduce((m, v, i) => Math.max(m, Math.abs(v - theirs[i])), 0);
    expect(worst).toBeLessThan(1e-5);
  });
});

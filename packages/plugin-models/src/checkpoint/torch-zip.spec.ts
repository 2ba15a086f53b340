import { TorchTensor } from './torch-zip';

const storage = (values: number[]) => ({
  key: '0',
  format: 'F32',
  bytes: new Uint8Array(Float32Array.from(values).buffer),
});

describe('TorchTensor.toHost', () => {
  it('gathers a strided view in row-major order (a transposed [3, 2] of a [2, 3] storage)', () => {
    const t = new TorchTensor(storage([0, 1, 2, 3, 4, 5]), 0, [3, 2], [1, 3]);
    expect(Array.from(t.toHost('t').data)).toEqual([0, 3, 1, 4, 2, 5]);
  });

  it('reads a contiguous view from its storage offset, and rejects one that runs past the storage', () => {
    expect(Array.from(new TorchTensor(storage([9, 8, 7, 6]), 1, [2], [1]).toHost('t').data)).toEqual([8, 7]);
    expect(() => new TorchTensor(storage([9, 8, 7]), 2, [2], [1]).toHost('w')).toThrow(
      /tensor w reads past its storage 0: truncated checkpoint/,
    );
  });
});

import { HostTensor } from '../artifacts/artifact';
import { decodeSafetensors, decodeSafetensorsShapes, encodeSafetensors } from './safetensors';

const tensors: Record<string, HostTensor> = {
  w: { dtype: 'float32', shape: [2, 3], data: Float32Array.from([1.5, -2, 3e-8, 4, 5, Infinity]) },
  labels: { dtype: 'int32', shape: [3], data: Int32Array.from([-1, 0, 2147483647]) },
  img: { dtype: 'uint8', shape: [1, 2, 2], data: Uint8Array.from([0, 127, 128, 255]) },
  empty: { dtype: 'float32', shape: [0, 4], data: new Float32Array(0) },
};

/** A file built by hand from the published layout, independently of the encoder. */
function handBuilt(): Buffer {
  const header = JSON.stringify({
    __metadata__: { by: 'hand' },
    a: { dtype: 'I32', shape: [2], data_offsets: [0, 8] },
    b: { dtype: 'U8', shape: [3], data_offsets: [8, 11] },
  });
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(header.length));
  const a = Buffer.alloc(8);
  a.writeInt32LE(7, 0);
  a.writeInt32LE(-9, 4);
  return Buffer.concat([len, Buffer.from(header), a, Buffer.from([1, 2, 3])]);
}

describe('safetensors', () => {
  it('reads the shapes from the header alone, checked as a whole file is', () => {
    const file = handBuilt();
    const head = file.subarray(0, 8 + Number(file.readBigUInt64LE(0)));
    expect(decodeSafetensorsShapes(head)).toEqual({ a: [2], b: [3] });
    const lying = Buffer.from(head.toString('latin1').replace('"shape":[3]', '"shape":[4]'), 'latin1');
    expect(() => decodeSafetensorsShapes(lying, 'x.safetensors')).toThrow(
      'x.safetensors: not a valid safetensors file: tensor "b": data_offsets [8, 11] do not match shape [4] of U8',
    );
  });

  it('round-trips float32, int32 and uint8 exactly, with metadata', () => {
    const { tensors: back, metadata } = decodeSafetensors(encodeSafetensors(tensors, { format: 'pt' }));
    expect(metadata).toEqual({ format: 'pt' });
    for (const [name, t] of Object.entries(tensors)) {
      expect(back[name].dtype).toBe(t.dtype);
      expect(back[name].shape).toEqual(t.shape);
      expect(Array.from(back[name].data)).toEqual(Array.from(t.data));
    }
  });

  it('pads the header so tensor data starts 8-byte aligned', () => {
    const buf = encodeSafetensors(tensors);
    expect((8 + Number(buf.readBigUInt64LE(0))) % 8).toBe(0);
  });

  it('reads a file laid out by hand per the specification', () => {
    const { tensors: t, metadata } = decodeSafetensors(handBuilt());
    expect(Array.from(t.a.data)).toEqual([7, -9]);
    expect(Array.from(t.b.data)).toEqual([1, 2, 3]);
    expect(metadata).toEqual({ by: 'hand' });
  });

  it('rejects a truncated file at every cut point', () => {
    const buf = encodeSafetensors(tensors);
    for (const cut of [0, 4, 8, 20, buf.length - 1]) {
      expect(() => decodeSafetensors(buf.subarray(0, cut), 'x.safetensors')).toThrow(
        /x\.safetensors: not a valid safetensors file/,
      );
    }
  });

  it('rejects trailing bytes, gaps, a shape that does not match its offsets, and a non-JSON header', () => {
    const good = handBuilt();
    expect(() => decodeSafetensors(Buffer.concat([good, Buffer.from([0])]))).toThrow(/bytes after the last tensor/);
    const edit = (header: string) => {
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(BigInt(header.length));
      return Buffer.concat([len, Buffer.from(header), Buffer.alloc(16)]);
    };
    expect(() => decodeSafetensors(edit('{"a":{"dtype":"U8","shape":[8],"data_offsets":[8,16]}}'))).toThrow(
      /starts at 8, expected 0/,
    );
    expect(() => decodeSafetensors(edit('{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}}'))).toThrow(
      /do not match shape/,
    );
    expect(() => decodeSafetensors(edit('{"a":{"dtype":"C64","shape":[2],"data_offsets":[0,16]}}'))).toThrow(
      /unsupported dtype "C64"/,
    );
    expect(() => decodeSafetensors(edit('{"a": nope}'))).toThrow(/header is not JSON/);
    expect(() => decodeSafetensors(Buffer.from('<!DOCTYPE html><html>not a tensor file</html>'))).toThrow(
      /header length \d+ exceeds the file/,
    );
  });

  it('says a header that fits in the file but is over the 100 MB limit is over the limit, not beyond the file', () => {
    const file = Buffer.alloc(8 + 100_000_001);
    file.writeBigUInt64LE(100_000_001n, 0);
    expect(() => decodeSafetensors(file, 'big.safetensors')).toThrow(
      'big.safetensors: not a valid safetensors file: header length 100000001 is over the 100000000-byte limit on safetensors headers',
    );
  });

  it('widens the checkpoint formats F16, BF16, F64 to float32 and I64 to int32, values checked by hand', () => {
    const data = Buffer.alloc(2 * 2 + 2 * 2 + 2 * 8 + 2 * 8);
    data.writeUInt16LE(0x3c00, 0); // F16 1.0
    data.writeUInt16LE(0xc100, 2); // F16 -2.5
    data.writeUInt16LE(0x3fc0, 4); // BF16 1.5
    data.writeUInt16LE(0xc040, 6); // BF16 -3
    data.writeDoubleLE(0.1, 8);
    data.writeDoubleLE(-1e300, 16);
    data.writeBigInt64LE(-7n, 24);
    data.writeBigInt64LE(123456n, 32);
    const header = JSON.stringify({
      h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] },
      b: { dtype: 'BF16', shape: [2], data_offsets: [4, 8] },
      d: { dtype: 'F64', shape: [2], data_offsets: [8, 24] },
      n: { dtype: 'I64', shape: [2], data_offsets: [24, 40] },
    });
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(header.length));
    const { tensors: t } = decodeSafetensors(Buffer.concat([len, Buffer.from(header), data]));
    expect([t.h.dtype, Array.from(t.h.data)]).toEqual(['float32', [1, -2.5]]);
    expect([t.b.dtype, Array.from(t.b.data)]).toEqual(['float32', [1.5, -3]]);
    expect([t.d.dtype, Array.from(t.d.data)]).toEqual(['float32', [Math.fround(0.1), -Infinity]]);
    expect([t.n.dtype, Array.from(t.n.data)]).toEqual(['int32', [-7, 123456]]);
  });
});

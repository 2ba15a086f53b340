import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeSafetensors } from '@rtlab/sdk';
import { unzipSync } from 'fflate';
import { torchZip } from '../test-support/hostile-checkpoint';
import { importWeights } from './import-weights';
import { readCheckpoint } from './read-checkpoint';

// Checkpoints written to break the importer: each must fail with the file and what is wrong, or be
// read exactly, and never allocate what the file only claims.
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'rtlab-hostile-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
let n = 0;
const file = (bytes: Uint8Array) => {
  const f = path.join(scratch, `c${n++}.pt`);
  fs.writeFileSync(f, bytes);
  return f;
};
const read = (bytes: Uint8Array) => {
  const f = file(bytes);
  return { f, tensors: () => readCheckpoint(f) };
};

describe('hostile PyTorch checkpoints', () => {
  it('reads a hand-made state dict exactly (the builder is right)', () => {
    const { tensors } = read(
      torchZip([
        { name: 'w', values: [1, 2, 3, 4, 5, 6], size: [2, 3], stride: [3, 1] },
        { name: 'b', values: [7, 8], offset: 1, size: [1] },
      ]),
    );
    expect(Array.from(tensors().w.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(tensors().w.shape).toEqual([2, 3]);
    expect(Array.from(tensors().b.data)).toEqual([8]);
  });

  it.each([
    ['a negative storage offset', { offset: -1 }, /storage offset -1/],
    ['a fractional storage offset', { offset: 0.5 }, /storage offset 0\.5/],
    ['a negative stride', { size: [2], stride: [-1], offset: 1 }, /stride \[-1\]/],
    ['a negative size', { size: [-2] }, /size \[-2\]/],
    ['a size that overflows', { size: [2 ** 30, 2 ** 30, 2 ** 30], stride: [0, 0, 0] }, /overflows/],
    ['a view past its storage', { offset: 2, size: [3] }, /reads past its storage/],
    [
      'an expanded view of 2^31 elements over one',
      { size: [2 ** 31], stride: [0] },
      /2147483648 elements over a storage of 4 \(an expanded view/,
    ],
  ])('refuses %s, naming the file and tensor', (_what, view, message) => {
    const { f, tensors } = read(torchZip([{ name: 'w', values: [1, 2, 3, 4], ...view }]));
    expect(tensors).toThrow(new RegExp(`${path.basename(f)}: tensor w .*`));
    expect(tensors).toThrow(message);
  });

  it.each([
    ['os', 'system'],
    ['builtins', 'eval'],
    ['subprocess', 'Popen'],
  ])('refuses a call of %s.%s beside a valid state dict, as weights_only does', (module, name) => {
    const { f, tensors } = read(torchZip([{ name: 'w', values: [1, 2] }], { call: [module, name] }));
    expect(tensors).toThrow(
      new RegExp(`${path.basename(f)}: its pickle calls ${module}\\.${name}, which a state dict never needs; refused`),
    );
  });

  it('refuses NaN and Inf weights, naming the file, tensor and element', () => {
    expect(read(torchZip([{ name: 'w', values: [1, NaN] }])).tensors).toThrow(
      /c\d+\.pt: tensor w holds NaN at element 1/,
    );
    const safetensors = path.join(scratch, 'inf.safetensors');
    fs.writeFileSync(
      safetensors,
      encodeSafetensors({ w: { dtype: 'float32', shape: [2], data: Float32Array.of(Infinity, 1) } }),
    );
    expect(() => readCheckpoint(safetensors)).toThrow(/inf\.safetensors: tensor w holds Infinity at element 0/);
  });

  it('refuses a referenced member that would inflate out of proportion (a zip bomb)', () => {
    const bomb = torchZip([{ name: 'w', values: Array(1 << 20).fill(0) }], { level: 9 });
    expect(read(bomb).tensors).toThrow(
      new RegExp(`would inflate \\d+ bytes to ${(1 << 20) * 4}: a corrupt file or a zip bomb`),
    );
  });

  it('refuses a member whose declared sizes lie: inflated size other than its tensors need', () => {
    const zip = Buffer.from(torchZip([{ name: 'w', values: [1, 2, 3, 4] }]));
    const central = zip.lastIndexOf(
      Buffer.from('PK\x01\x02', 'latin1'),
      zip.lastIndexOf(Buffer.from('archive/data/0', 'latin1')),
    );
    zip.writeUInt32LE(2 ** 31, central + 24);
    expect(read(zip).tensors).toThrow(/archive\/data\/0 would inflate to 2147483648 bytes where its tensors need 16/);
  });

  it('inflates only the members the state dict refers to (an unreadable extra member is never touched)', () => {
    const zip = Buffer.from(
      torchZip([{ name: 'w', values: [3] }], { extra: { 'archive/extra/blob': new Uint8Array(1 << 16) }, level: 9 }),
    );
    const header = zip.indexOf(Buffer.from('PK\x03\x04archive/extra/blob', 'latin1').subarray(4)) - 30;
    zip.fill(
      0xff,
      header + 30 + zip.readUInt16LE(header + 26) + zip.readUInt16LE(header + 28),
      header + 30 + zip.readUInt16LE(header + 26) + zip.readUInt16LE(header + 28) + 8,
    );
    expect(Array.from(read(zip).tensors().w.data)).toEqual([3]);
    expect(() => unzipSync(zip)).toThrow();
  });

  it('treats tensors named __proto__ or constructor as names: the strict key check reports them', () => {
    const w = { dtype: 'float32' as const, shape: [1], data: Float32Array.of(1) };
    const f = path.join(scratch, 'proto.safetensors');
    fs.writeFileSync(
      f,
      encodeSafetensors(
        JSON.parse('{"__proto__": 0, "constructor": 0, "w": 0}') &&
          Object.fromEntries([
            ['__proto__', w],
            ['constructor', w],
            ['w', w],
          ]),
      ),
    );
    const tensors = readCheckpoint(f);
    expect(Object.keys(tensors).sort()).toEqual(['__proto__', 'constructor', 'w']);
    expect(() => importWeights(tensors, { w: [1] }, [], f)).toThrow(/unexpected: __proto__, constructor/);
  });
});

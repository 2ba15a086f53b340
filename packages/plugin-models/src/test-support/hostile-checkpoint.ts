import { zipSync } from 'fflate';

// Hand-made PyTorch zip checkpoints: a state dict { name: tensor } pickled the way torch.save does
// (protocol 2), with every field a test may want to falsify.

const op = {
  proto2: [0x80, 2],
  emptyDict: [0x7d],
  mark: [0x28],
  tuple: [0x74],
  binpersid: [0x51],
  reduce: [0x52],
  setitem: [0x73],
  newfalse: [0x89],
  stop: [0x2e],
  emptyTuple: [0x29],
};
const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const str = (s: string) => [0x58, ...u32(Buffer.byteLength(s)), ...Buffer.from(s)];
const global = (module: string, name: string) => [0x63, ...Buffer.from(`${module}\n${name}\n`)];
/** BININT for integers that fit (negative too), BINFLOAT for others: pickles can say anything. */
function num(v: number): number[] {
  if (Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31) return [0x4a, ...u32(v >>> 0)];
  const b = Buffer.alloc(8);
  b.writeDoubleBE(v);
  return [0x47, ...b];
}
const tupleOf = (items: number[][]) => [...op.mark, ...items.flat(), ...op.tuple];

export interface TensorSpec {
  name: string;
  values: number[];
  offset?: number;
  size?: number[];
  stride?: number[];
}

function tensor(t: TensorSpec, key: string): number[] {
  const size = t.size ?? [t.values.length];
  const stride = t.stride ?? [1];
  const storage = tupleOf([
    str('storage'),
    global('torch', 'FloatStorage'),
    str(key),
    str('cpu'),
    num(t.values.length),
  ]);
  return [
    ...str(t.name),
    ...global('torch._utils', '_rebuild_tensor_v2'),
    ...tupleOf([
      [...storage, ...op.binpersid],
      num(t.offset ?? 0),
      tupleOf(size.map(num)),
      tupleOf(stride.map(num)),
      op.newfalse,
      [...global('collections', 'OrderedDict'), ...op.emptyTuple, ...op.reduce],
    ]),
    ...op.reduce,
    ...op.setitem,
  ];
}

/**
 * A .pt zip holding the given tensors; `call` adds an entry whose value is a call of that global
 * (e.g. ['os', 'system']) with one string argument; `extra` adds zip members nothing refers to.
 */
export function torchZip(
  tensors: TensorSpec[],
  options: { call?: [string, string]; extra?: Record<string, Uint8Array>; level?: 0 | 9 } = {},
): Uint8Array {
  const call = options.call
    ? [...str('call'), ...global(...options.call), ...tupleOf([str('echo pwned')]), ...op.reduce, ...op.setitem]
    : [];
  const pickle = Uint8Array.from([
    ...op.proto2,
    ...op.emptyDict,
    ...tensors.flatMap((t, i) => tensor(t, String(i))),
    ...call,
    ...op.stop,
  ]);
  const files: Record<string, Uint8Array> = { 'archive/data.pkl': pickle, 'archive/byteorder': Buffer.from('little') };
  tensors.forEach((t, i) => (files[`archive/data/${i}`] = new Uint8Array(Float32Array.from(t.values).buffer)));
  return zipSync({ ...files, ...(options.extra ?? {}) }, { level: options.level ?? 0 });
}

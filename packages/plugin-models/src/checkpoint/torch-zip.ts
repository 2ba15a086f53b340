import { allocate, decodeElements, ELEMENT_FORMATS, HostTensor, RtlabError, sizeOf } from '@rtlab/sdk';
import { unzipSync } from 'fflate';
import { PyGlobal, PyObject, unpickle } from './pickle';

/** PyTorch storage classes and the element format of their bytes. */
const STORAGES: Record<string, string> = {
  FloatStorage: 'F32', DoubleStorage: 'F64', HalfStorage: 'F16', BFloat16Storage: 'BF16', LongStorage: 'I64',
  IntStorage: 'I32', ShortStorage: 'I16', CharStorage: 'I8', ByteStorage: 'U8', BoolStorage: 'BOOL',
};

interface Storage {
  key: string;
  format: string;
  bytes: Uint8Array;
}

/** A tensor as torch pickles it: a view (offset, size, stride) into a storage. */
export class TorchTensor {
  constructor(readonly storage: Storage, readonly offset: number, readonly size: number[], readonly stride: number[]) {}

  /** The elements in row-major order (strided views gathered), widened to float32 or int32. */
  toHost(name: string): HostTensor {
    const f = ELEMENT_FORMATS[this.storage.format];
    const count = sizeOf(this.size);
    const last = this.offset + this.size.reduce((s, d, i) => s + (d - 1) * this.stride[i], 0);
    if (count > 0 && (last + 1) * f.bytes > this.storage.bytes.length) throw new RtlabError('input', `tensor ${name} reads past its storage ${this.storage.key}: truncated checkpoint`);
    if (this.isContiguous()) return { dtype: f.dtype, shape: [...this.size], data: decodeElements(this.storage.bytes.subarray(this.offset * f.bytes), this.storage.format, count) };
    const all = decodeElements(this.storage.bytes, this.storage.format, this.storage.bytes.length / f.bytes);
    const out = allocate(f.dtype, count);
    const index = new Array(this.size.length).fill(0);
    for (let i = 0; i < count; i++) {
      out[i] = all[this.offset + index.reduce((s, v, d) => s + v * this.stride[d], 0)];
      for (let d = this.size.length - 1; d >= 0 && ++index[d] === this.size[d]; d--) index[d] = 0;
    }
    return { dtype: f.dtype, shape: [...this.size], data: out };
  }

  private isContiguous(): boolean {
    let expected = 1;
    for (let d = this.size.length - 1; d >= 0; d--) {
      if (this.size[d] !== 1 && this.stride[d] !== expected) return false;
      expected *= this.size[d];
    }
    return true;
  }
}

function rebuild(callable: unknown, args: unknown[]): unknown {
  if (!(callable instanceof PyGlobal)) return new PyObject(callable, args);
  switch (callable.qualified) {
    case 'collections.OrderedDict':
      return new Map();
    case 'torch._utils._rebuild_tensor_v2':
    case 'torch._utils._rebuild_tensor': {
      const [storage, offset, size, stride] = args as [Storage, number, number[], number[]];
      return new TorchTensor(storage, offset, size, stride);
    }
    case 'torch._utils._rebuild_parameter':
    case 'torch._utils._rebuild_parameter_with_state':
      return args[0];
    default:
      return new PyObject(callable, args);
  }
}

/**
 * Reads a PyTorch zip checkpoint (torch.save since 1.6): `<archive>/data.pkl` pickles the object,
 * whose tensors point at storages `<archive>/data/<key>`. Returns the unpickled object.
 */
export function readTorchZip(buf: Uint8Array, source: string): unknown {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(buf);
  } catch (e) {
    throw new RtlabError('input', `${source}: truncated or corrupt zip (${(e as Error).message})`);
  }
  const pkl = Object.keys(files).find((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (!pkl) throw new RtlabError('input', `${source}: a zip without <archive>/data.pkl is not a PyTorch checkpoint`);
  const prefix = pkl.slice(0, -'data.pkl'.length);
  const byteorder = files[`${prefix}byteorder`];
  if (byteorder && new TextDecoder().decode(byteorder).trim() !== 'little') throw new RtlabError('input', `${source}: big-endian checkpoints are not supported`);
  return unpickle(files[pkl], {
    reduce: rebuild,
    persistentLoad(pid) {
      const [tag, type, key] = pid as [string, PyGlobal, string];
      const format = type instanceof PyGlobal ? STORAGES[type.name] : undefined;
      if (tag !== 'storage' || !format) throw new RtlabError('input', `${source}: unsupported storage ${JSON.stringify(pid instanceof Array ? [tag, type instanceof PyGlobal ? type.qualified : type] : pid)}`);
      const bytes = files[`${prefix}data/${key}`];
      if (!bytes) throw new RtlabError('input', `${source}: storage ${prefix}data/${key} is missing: truncated checkpoint`);
      return { key, format, bytes } satisfies Storage;
    },
  }, `${source}:${pkl}`);
}

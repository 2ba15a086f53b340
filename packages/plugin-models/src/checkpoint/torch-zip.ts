import { allocate, decodeElements, ELEMENT_FORMATS, HostTensor, RtlabError, sizeOf } from '@rtlab/sdk';
import { unzipSync } from 'fflate';
import { PyGlobal, PyObject, unpickle } from './pickle';

/** PyTorch storage classes and the element format of their bytes. */
const STORAGES: Record<string, string> = {
  FloatStorage: 'F32',
  DoubleStorage: 'F64',
  HalfStorage: 'F16',
  BFloat16Storage: 'BF16',
  LongStorage: 'I64',
  IntStorage: 'I32',
  ShortStorage: 'I16',
  CharStorage: 'I8',
  ByteStorage: 'U8',
  BoolStorage: 'BOOL',
};

interface Storage {
  key: string;
  format: string;
  bytes: Uint8Array;
}

/** A tensor as torch pickles it: a view (offset, size, stride) into a storage. */
export class TorchTensor {
  constructor(
    readonly storage: Storage,
    readonly offset: number,
    readonly size: number[],
    readonly stride: number[],
  ) {}

  /** The elements in row-major order (strided views gathered), widened to float32 or int32. */
  toHost(name: string): HostTensor {
    const f = ELEMENT_FORMATS[this.storage.format];
    this.checkView(name);
    const count = sizeOf(this.size);
    const last = this.offset + this.size.reduce((s, d, i) => s + (d - 1) * this.stride[i], 0);
    if (count > 0 && (last + 1) * f.bytes > this.storage.bytes.length)
      throw new RtlabError('input', `tensor ${name} reads past its storage ${this.storage.key}: truncated checkpoint`);
    if (this.isContiguous())
      return {
        dtype: f.dtype,
        shape: [...this.size],
        data: decodeElements(this.storage.bytes.subarray(this.offset * f.bytes), this.storage.format, count),
      };
    const all = decodeElements(this.storage.bytes, this.storage.format, this.storage.bytes.length / f.bytes);
    const out = allocate(f.dtype, count);
    const index = new Array(this.size.length).fill(0);
    for (let i = 0; i < count; i++) {
      out[i] = all[this.offset + index.reduce((s, v, d) => s + v * this.stride[d], 0)];
      for (let d = this.size.length - 1; d >= 0 && ++index[d] === this.size[d]; d--) index[d] = 0;
    }
    return { dtype: f.dtype, shape: [...this.size], data: out };
  }

  /** What PyTorch itself refuses: offsets, sizes and strides that are not non-negative integers, or overflow. */
  private checkView(name: string): void {
    const whole = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
    const bad = !whole(this.offset)
      ? `storage offset ${this.offset}`
      : !Array.isArray(this.size) || !this.size.every(whole)
        ? `size ${JSON.stringify(this.size)}`
        : !Array.isArray(this.stride) || this.stride.length !== this.size.length || !this.stride.every(whole)
          ? `stride ${JSON.stringify(this.stride)} for size [${this.size}]`
          : !Number.isSafeInteger(sizeOf(this.size)) ||
              !Number.isSafeInteger(this.offset + this.size.reduce((s, d, i) => s + d * this.stride[i], 0))
            ? `size [${this.size}] with stride [${this.stride}], which overflows`
            : sizeOf(this.size) * ELEMENT_FORMATS[this.storage.format].bytes > this.storage.bytes.length
              ? `${sizeOf(this.size)} elements over a storage of ${this.storage.bytes.length / ELEMENT_FORMATS[this.storage.format].bytes} (an expanded view, which no state dict needs)`
              : undefined;
    if (bad) throw new RtlabError('input', `tensor ${name} has ${bad}: not a valid tensor (PyTorch refuses it too)`);
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

/**
 * What a state dict's pickle may call, as torch.load(weights_only=True) allows: containers, tensors and
 * parameters, and plain data (sizes, devices, numpy scalars) kept as inert objects. Anything else (a
 * model class, os.system, builtins.eval) is refused, though nothing would have run here either.
 */
const INERT = new Set([
  'builtins.set',
  'builtins.frozenset',
  'builtins.bytearray',
  '_codecs.encode',
  'collections.Counter',
  'torch.Size',
  'torch.device',
  'torch.serialization._get_layout',
  'numpy.core.multiarray.scalar',
  'numpy.core.multiarray._reconstruct',
  'numpy.dtype',
  'numpy.ndarray',
  'numpy._core.multiarray.scalar',
  'numpy._core.multiarray._reconstruct',
]);

function rebuild(callable: unknown, args: unknown[], source: string): unknown {
  const name = callable instanceof PyGlobal ? callable.qualified : String(callable);
  switch (name) {
    case 'collections.OrderedDict':
      return new Map();
    case 'torch._utils._rebuild_tensor_v2':
    case 'torch._utils._rebuild_tensor': {
      const [storage, offset, size, stride] = args as [Storage, number, number[], number[]];
      return new TorchTensor(storage, offset, size, stride);
    }
    case 'torch._utils._rebuild_parameter':
    case 'torch._utils._rebuild_parameter_with_state':
    case 'torch.nn.parameter.Parameter':
      return args[0];
    case 'torch._tensor._rebuild_from_type_v2': {
      const inner = args[0] instanceof PyGlobal ? args[0].qualified : '';
      if (!inner.startsWith('torch._utils._rebuild_') || !Array.isArray(args[2])) throw refusal(args[0], [], source);
      return rebuild(args[0], args[2], source);
    }
    default:
      if (INERT.has(name)) return new PyObject(callable, args);
      throw refusal(callable, args, source);
  }
}

function refusal(callable: unknown, args: unknown[], source: string): RtlabError {
  const cls = callable instanceof PyGlobal && callable.qualified === 'copyreg._reconstructor' ? args[0] : callable;
  const name = cls instanceof PyGlobal ? cls.qualified : String(cls);
  if (
    cls instanceof PyGlobal &&
    /^(torch\.nn|torchvision|robustbench|timm|__main__)\b/.test(cls.module) &&
    /^[A-Z]/.test(cls.name)
  ) {
    return new RtlabError(
      'input',
      `${source}: holds a pickled ${name} (a whole model?), not a state dict; save model.state_dict() instead`,
    );
  }
  return new RtlabError(
    'input',
    `${source}: its pickle calls ${name}, which a state dict never needs; refused, as torch.load(weights_only=True) refuses it (nothing was run)`,
  );
}

/** A member inflated more than this many times is a zip bomb, not a tensor (torch stores storages uncompressed). */
const MAX_INFLATION = 64;
/** The pickle of a state dict: names and small tuples, never this large. */
const MAX_PICKLE_BYTES = 256 << 20;

type ZipEntry = { name: string; size: number; originalSize: number };

/** fflate's unzip with a filter over the central directory; its errors become one line naming the file. */
function unzipWhere(buf: Uint8Array, filter: (f: ZipEntry) => boolean, source: string): Record<string, Uint8Array> {
  try {
    return unzipSync(buf, { filter });
  } catch (e) {
    if (e instanceof RtlabError) throw e;
    throw new RtlabError('input', `${source}: truncated or corrupt zip (${(e as Error).message})`);
  }
}

/**
 * Inflates only the named member of a zip. The sizes its central directory declares are checked first,
 * since fflate allocates what they claim: the stored size must lie within the file, the inflated size
 * must be what the pickle says the member holds (`expectedBytes`, for a storage) or bounded, and in
 * proportion to the stored size.
 */
function member(buf: Uint8Array, name: string, source: string, expectedBytes?: number): Uint8Array | undefined {
  return unzipWhere(
    buf,
    (f) => {
      if (f.name !== name) return false;
      const refuse = (why: string) => {
        throw new RtlabError('input', `${source}: ${name} ${why}: a corrupt file or a zip bomb, not a checkpoint`);
      };
      if (f.size > buf.length) refuse(`claims ${f.size} stored bytes in a ${buf.length}-byte file`);
      if (expectedBytes !== undefined && f.originalSize !== expectedBytes)
        refuse(`would inflate to ${f.originalSize} bytes where its tensors need ${expectedBytes}`);
      if (expectedBytes === undefined && f.originalSize > MAX_PICKLE_BYTES)
        refuse(`would inflate to ${f.originalSize} bytes`);
      if (f.originalSize > f.size * MAX_INFLATION + (1 << 20))
        refuse(`would inflate ${f.size} bytes to ${f.originalSize}`);
      return true;
    },
    source,
  )[name];
}

/** The names of a zip's members, from its central directory; nothing is inflated. */
function memberNames(buf: Uint8Array, source: string): string[] {
  const names: string[] = [];
  unzipWhere(buf, (f) => (names.push(f.name), false), source);
  return names;
}

/**
 * Reads a PyTorch zip checkpoint (torch.save since 1.6): `<archive>/data.pkl` pickles the object,
 * whose tensors point at storages `<archive>/data/<key>`. Returns the unpickled object.
 */
export function readTorchZip(buf: Uint8Array, source: string): unknown {
  const names = memberNames(buf, source);
  const pkl = names.find((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (!pkl) throw new RtlabError('input', `${source}: a zip without <archive>/data.pkl is not a PyTorch checkpoint`);
  const prefix = pkl.slice(0, -'data.pkl'.length);
  const byteorder = member(buf, `${prefix}byteorder`, source);
  if (byteorder && new TextDecoder().decode(byteorder).trim() !== 'little')
    throw new RtlabError('input', `${source}: big-endian checkpoints are not supported`);
  const storages = new Map<string, Storage>();
  return unpickle(
    member(buf, pkl, source)!,
    {
      reduce: (callable, args) => rebuild(callable, args, source),
      persistentLoad(pid) {
        const [tag, type, key, , numel] = pid as [string, PyGlobal, string, unknown, number];
        const format = type instanceof PyGlobal ? STORAGES[type.name] : undefined;
        if (tag !== 'storage' || !format)
          throw new RtlabError(
            'input',
            `${source}: unsupported storage ${JSON.stringify(pid instanceof Array ? [tag, type instanceof PyGlobal ? type.qualified : type] : pid)}`,
          );
        const known = storages.get(String(key));
        if (known) return known;
        if (!Number.isSafeInteger(numel) || numel < 0)
          throw new RtlabError('input', `${source}: storage ${key} declares ${numel} elements`);
        const bytes = names.includes(`${prefix}data/${key}`)
          ? member(buf, `${prefix}data/${key}`, source, numel * ELEMENT_FORMATS[format].bytes)
          : undefined;
        if (!bytes)
          throw new RtlabError('input', `${source}: storage ${prefix}data/${key} is missing: truncated checkpoint`);
        const storage = { key: String(key), format, bytes } satisfies Storage;
        storages.set(storage.key, storage);
        return storage;
      },
    },
    `${source}:${pkl}`,
  );
}

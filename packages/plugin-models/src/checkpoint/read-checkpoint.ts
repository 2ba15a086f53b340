import { decodeSafetensors, firstNonFinite, HostTensor, RtlabError } from '@rtlab/sdk';
import * as fs from 'node:fs';
import { PyGlobal, PyObject } from './pickle';
import { readTorchZip, TorchTensor } from './torch-zip';

/** Keys under which training scripts commonly nest the state dict. */
const NESTED = ['state_dict', 'model_state_dict', 'model', 'net', 'state', 'last'];
const LEGACY_MAGIC = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

function sniff(buf: Buffer, file: string): 'zip' | 'safetensors' {
  if (buf.length >= 4 && buf.readUInt32LE(0) === 0x04034b50) return 'zip';
  if (buf.length >= 9 && buf[8] === 0x7b && buf.readBigUInt64LE(0) < BigInt(buf.length)) return 'safetensors';
  if (LEGACY_MAGIC.every((b, i) => buf[i] === b)) {
    throw new RtlabError(
      'input',
      `${file}: a legacy (pre-1.6) torch.save file; load it in PyTorch and save it again with torch.save(model.state_dict(), path) (zip format) or as safetensors`,
    );
  }
  const head = buf.subarray(0, 200).toString('utf8').trimStart().toLowerCase();
  const hint =
    head.startsWith('<!doctype html') || head.startsWith('<html')
      ? ' (it is an HTML page: a failed download saved as a checkpoint?)'
      : '';
  throw new RtlabError(
    'input',
    `${file}: not a checkpoint${hint}; expected a PyTorch .pt zip (torch.save) or a .safetensors file`,
  );
}

/** The class a pickled object names: copyreg._reconstructor(cls, ...) builds plain class instances. */
function pickledClass(obj: PyObject): string {
  const callable = obj.callable instanceof PyGlobal ? obj.callable : undefined;
  const cls = callable?.qualified === 'copyreg._reconstructor' ? obj.args[0] : callable;
  return cls instanceof PyGlobal ? cls.qualified : 'object';
}

/** The tensors of a state dict found at the top level or under a usual key; other values are ignored. */
function stateDict(obj: unknown, file: string): Record<string, HostTensor> {
  const tensorsOf = (m: Map<unknown, unknown>) =>
    [...m].filter(([, v]) => v instanceof TorchTensor) as [string, TorchTensor][];
  if (!(obj instanceof Map)) {
    const what = obj instanceof PyObject ? `a pickled ${pickledClass(obj)} (a whole model?)` : typeof obj;
    throw new RtlabError('input', `${file}: holds ${what}, not a state dict; save model.state_dict() instead`);
  }
  let dict = obj;
  for (const key of NESTED) {
    if (tensorsOf(dict).length === 0 && dict.get(key) instanceof Map) dict = dict.get(key) as Map<unknown, unknown>;
  }
  const entries = tensorsOf(dict);
  if (entries.length === 0)
    throw new RtlabError(
      'input',
      `${file}: no tensors at the top level or under ${NESTED.join(', ')}; keys: ${[...obj.keys()].slice(0, 10).join(', ')}`,
    );
  return Object.fromEntries(entries.map(([k, t]) => [k, inFile(file, () => t.toHost(k))]));
}

/** Errors about one tensor, prefixed with the file they are in. */
function inFile<T>(file: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof RtlabError && !e.message.startsWith(file))
      throw new RtlabError(e.kind, `${file}: ${e.message}`, { cause: e });
    throw e;
  }
}

/** Weights must be finite: a NaN from a diverged training run would poison every number after it. */
function checkFinite(tensors: Record<string, HostTensor>, file: string): Record<string, HostTensor> {
  for (const [name, t] of Object.entries(tensors)) {
    const i = firstNonFinite(t.data);
    if (i >= 0)
      throw new RtlabError(
        'input',
        `${file}: tensor ${name} holds ${t.data[i]} at element ${i}; a checkpoint of a diverged run?`,
      );
  }
  return tensors;
}

/**
 * The named tensors of a checkpoint file: a PyTorch zip state dict (plain, or nested under
 * "state_dict" and the like) or safetensors. Floats come back as float32, integers as int32.
 */
export function readCheckpoint(file: string): Record<string, HostTensor> {
  if (!fs.existsSync(file))
    throw new RtlabError(
      'input',
      `checkpoint ${file} not found (paths are relative to the model root, rtlab.config.json "modelRoot")`,
    );
  const buf = fs.readFileSync(file);
  return checkFinite(
    sniff(buf, file) === 'zip' ? stateDict(readTorchZip(buf, file), file) : decodeSafetensors(buf, file).tensors,
    file,
  );
}

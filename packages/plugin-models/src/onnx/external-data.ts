import { RtlabError } from '@rtlab/sdk';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';

/** Where an ONNX file may read external weights from: files beside it that the node declared (they enter its cache key). */
export interface ExternalDataPolicy {
  /** The .onnx file (errors name it). */
  file: string;
  /** Real paths of the external-data files the node declared. */
  declared: Set<string>;
  /** How the node's param lists them, for the error that asks to declare one. */
  hint: (location: string) => string;
}

const entry = (t: onnx.ITensorProto, key: string) => t.externalData?.find((e) => e.key === key)?.value ?? undefined;

function realInside(location: string, policy: ExternalDataPolicy, tensor: string): string {
  const dir = fs.realpathSync(path.dirname(policy.file));
  const target = path.resolve(dir, location);
  const real = fs.existsSync(target) ? fs.realpathSync(target) : target;
  const rel = path.relative(dir, real);
  if (
    path.isAbsolute(location) ||
    rel === '' ||
    rel === '..' ||
    rel.startsWith(`..${path.sep}`) ||
    path.isAbsolute(rel)
  )
    throw new RtlabError(
      'input',
      `${policy.file}: tensor ${tensor} keeps its data at "${location}", outside the model's folder; refused`,
    );
  if (!fs.existsSync(real))
    throw new RtlabError('input', `${policy.file}: tensor ${tensor}'s external data ${location} not found`);
  if (!policy.declared.has(real))
    throw new RtlabError('input', `${policy.file}: tensor ${tensor} reads ${location}: ${policy.hint(location)}`);
  return real;
}

/**
 * The bytes of a tensor stored in an ONNX external-data file: its location must stay inside the model's
 * folder and be declared, and offset and length must lie inside the file and match what the tensor needs.
 */
export function readExternalData(t: onnx.ITensorProto, bytes: number, policy: ExternalDataPolicy): Uint8Array {
  const name = t.name ?? '?';
  const location = entry(t, 'location');
  if (!location) throw new RtlabError('input', `${policy.file}: tensor ${name} is external but names no location`);
  const file = realInside(location, policy, name);
  const offset = Number(entry(t, 'offset') ?? 0);
  const length = Number(entry(t, 'length') ?? bytes);
  const size = fs.statSync(file).size;
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || offset + length > size)
    throw new RtlabError(
      'input',
      `${policy.file}: tensor ${name} claims bytes ${offset}..${offset + length} of ${location}, which has ${size}`,
    );
  if (length !== bytes)
    throw new RtlabError(
      'input',
      `${policy.file}: tensor ${name} needs ${bytes} bytes for its shape, its external data says ${length}`,
    );
  const out = Buffer.alloc(bytes);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, out, 0, bytes, offset);
  } finally {
    fs.closeSync(fd);
  }
  return out;
}

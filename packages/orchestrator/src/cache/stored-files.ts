import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileTensor, RtlabError, rowBytesOf } from '@rtlab/sdk';
import { PART_NAME, StoredFilePart, StoredFileTensor } from './cache-entry';
import { Damaged } from './damaged';

const CHUNK = 1 << 24;
const DTYPES = ['float32', 'int32', 'uint8'];

/**
 * Moves (from the writer's own scratch folder, `movable`) or copies (anything else: a slice of another
 * entry's files) each part of each file tensor into the entry folder being written, hashing as it goes.
 */
export async function storeFileTensors(
  files: Record<string, FileTensor>,
  into: string,
  movable: string | undefined,
  signal?: AbortSignal,
): Promise<Record<string, StoredFileTensor>> {
  const stored: Record<string, StoredFileTensor> = {};
  const writer = randomBytes(4).toString('hex');
  for (const [j, name] of Object.keys(files).sort().entries()) {
    const t = files[name];
    const rowBytes = rowBytesOf(t);
    const parts: StoredFilePart[] = [];
    for (const [i, part] of t.parts.entries()) {
      signal?.throwIfAborted();
      const target = `f${j}.${i}.${writer}.bin`;
      if (!PART_NAME.test(target))
        throw new RtlabError(
          'plugin',
          `file tensor "${name}" has ${t.parts.length} parts, more than an entry holds: raise --part-bytes`,
        );
      const bytes = part.rows * rowBytes;
      const whole =
        movable !== undefined &&
        part.offset === 0 &&
        isInside(part.file, movable) &&
        fs.statSync(part.file).size === bytes;
      const sha256 = whole
        ? await moveAndHash(part.file, path.join(into, target), signal)
        : await copyRange(part.file, part.offset, bytes, path.join(into, target), signal);
      parts.push({ name: target, rows: part.rows, bytes, sha256 });
    }
    stored[name] = { dtype: t.dtype, shape: [...t.shape], parts };
  }
  return stored;
}

/**
 * The file tensors of an entry, after checking that each part is named as rtlab names them, holds its
 * rows and matches its sha256. `verified` remembers files already hashed by this process (by size,
 * mtime and inode), so a 10 GB dataset read by many nodes is hashed once.
 */
export async function readFileTensors(
  dir: string,
  stored: Record<string, StoredFileTensor>,
  verified: Map<string, string>,
): Promise<Record<string, FileTensor>> {
  const out: Record<string, FileTensor> = {};
  for (const [name, t] of Object.entries(stored)) {
    if (!DTYPES.includes(t.dtype) || !Array.isArray(t.shape) || !t.shape.every(isCount) || !Array.isArray(t.parts))
      throw new Damaged(`file tensor "${name}" is malformed in entry.json`);
    const rowBytes = rowBytesOf(t);
    let rows = 0;
    for (const part of t.parts) {
      if (typeof part.name !== 'string' || !PART_NAME.test(part.name))
        throw new Damaged(`file tensor "${name}" names a part ${JSON.stringify(part.name)}`);
      if (!isCount(part.rows))
        throw new Damaged(`part ${part.name} of "${name}" has ${JSON.stringify(part.rows)} rows`);
      if (part.bytes !== part.rows * rowBytes)
        throw new Damaged(
          `part ${part.name} of "${name}" has ${part.bytes} bytes for ${part.rows} rows of ${rowBytes}`,
        );
      await verifyPart(path.join(dir, part.name), part, verified);
      rows += part.rows;
    }
    if (rows !== t.shape[0])
      throw new Damaged(`file tensor "${name}" has ${rows} rows in its parts, its shape says ${t.shape[0]}`);
    out[name] = {
      dtype: t.dtype,
      shape: [...t.shape],
      parts: t.parts.map((p) => ({ file: path.join(dir, p.name), rows: p.rows, offset: 0 })),
    };
  }
  return out;
}

async function verifyPart(file: string, part: StoredFilePart, verified: Map<string, string>): Promise<void> {
  const stat = await fs.promises.stat(file).catch((e: NodeJS.ErrnoException) => {
    throw e.code === 'ENOENT' ? new Damaged(`tensor file ${part.name} is missing`) : e;
  });
  if (!stat.isFile()) throw Object.assign(new Error(`${file} is not a regular file`), { code: 'EISDIR' });
  if (stat.size !== part.bytes)
    throw new Damaged(`tensor file ${part.name} has ${stat.size} bytes, entry says ${part.bytes}`);
  if (verified.get(file) === fingerprint(stat, part.sha256)) return;
  if ((await hashRange(file, 0, part.bytes)) !== part.sha256)
    throw new Damaged(`tensor file ${part.name} sha256 does not match the entry`);
  verified.set(file, fingerprint(stat, part.sha256));
}

/** Records the parts this process has just written and hashed into the entry folder `dir`. */
export function rememberVerified(
  dir: string,
  files: Record<string, StoredFileTensor> | undefined,
  verified: Map<string, string>,
): void {
  for (const part of Object.values(files ?? {}).flatMap((t) => t.parts)) {
    const file = path.join(dir, part.name);
    verified.set(file, fingerprint(fs.statSync(file), part.sha256));
  }
}

const isCount = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;

function fingerprint(stat: fs.Stats, sha256: string): string {
  return `${stat.size}:${stat.mtimeMs}:${stat.ino}:${sha256}`;
}

function isInside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

async function moveAndHash(from: string, to: string, signal?: AbortSignal): Promise<string> {
  await fs.promises.rename(from, to);
  signal?.throwIfAborted();
  const handle = await fs.promises.open(to, 'r');
  try {
    await handle.sync(); // the writer did not sync: the entry must not be renamed into place before its data is on disk
  } finally {
    await handle.close();
  }
  return hashRange(to, 0, (await fs.promises.stat(to)).size);
}

async function hashRange(file: string, offset: number, bytes: number): Promise<string> {
  const hash = createHash('sha256');
  await eachChunk(file, offset, bytes, (chunk) => hash.update(chunk));
  return hash.digest('hex');
}

/** Copies `bytes` from `offset` of `from` into a new file `to`, synced; returns their sha256. */
async function copyRange(
  from: string,
  offset: number,
  bytes: number,
  to: string,
  signal?: AbortSignal,
): Promise<string> {
  const hash = createHash('sha256');
  const out = await fs.promises.open(to, 'wx');
  try {
    await eachChunk(from, offset, bytes, async (chunk) => {
      signal?.throwIfAborted();
      hash.update(chunk);
      for (let done = 0; done < chunk.length;) done += (await out.write(chunk, done)).bytesWritten;
    });
    await out.sync();
  } finally {
    await out.close();
  }
  return hash.digest('hex');
}

async function eachChunk(
  file: string,
  offset: number,
  bytes: number,
  use: (chunk: Uint8Array) => unknown,
): Promise<void> {
  const handle = await fs.promises.open(file, 'r');
  const buffer = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(1, bytes)));
  try {
    for (let at = 0; at < bytes;) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, bytes - at), offset + at);
      if (bytesRead === 0)
        throw new RtlabError('cache', `${file} ended at byte ${offset + at}, before the ${bytes} bytes of its tensor`);
      await use(buffer.subarray(0, bytesRead));
      at += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RtlabError } from '@rtlab/sdk';
import { Damaged } from './damaged';

// The file work of the cache's entries: written in pieces with their hash, read back whole against it.

export async function writeChunks(
  file: string,
  chunks: Buffer[],
  signal?: AbortSignal,
): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  const handle = await fs.promises.open(file, 'wx');
  let bytes = 0;
  try {
    for (const chunk of chunks) {
      for (let at = 0; at < chunk.length; at += 1 << 22) {
        signal?.throwIfAborted();
        const piece = chunk.subarray(at, at + (1 << 22));
        await handle.write(piece);
        hash.update(piece);
        bytes += piece.length;
      }
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { bytes, sha256: hash.digest('hex') };
}

/**
 * A whole file and its sha256, read in pieces (fs.readFile stops at 2 GiB, a Buffer holds up to 4 GiB);
 * a size other than `expected` is damage, found before anything is allocated.
 */
export async function readHashed(file: string, expected: number): Promise<{ bytes: Buffer; sha256: string }> {
  const handle = await fs.promises.open(file, 'r').catch((e: NodeJS.ErrnoException) => {
    throw e.code === 'ENOENT' ? new Damaged('tensor file is missing') : e;
  });
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw Object.assign(new Error(`${file} is not a regular file`), { code: 'EISDIR' });
    const size = stat.size;
    if (size !== expected) throw new Damaged(`tensor file has ${size} bytes, entry says ${expected}`);
    const bytes = Buffer.allocUnsafe(size);
    const hash = createHash('sha256');
    for (let at = 0; at < bytes.length;) {
      const { bytesRead } = await handle.read(bytes, at, Math.min(1 << 26, bytes.length - at), at);
      if (bytesRead === 0) throw new Damaged(`tensor file ended at byte ${at} while reading`);
      hash.update(bytes.subarray(at, at + bytesRead));
      at += bytesRead;
    }
    return { bytes, sha256: hash.digest('hex') };
  } finally {
    await handle.close();
  }
}

export function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

export function duOf(p: string): number {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.size;
  return safeReaddir(p).reduce((sum, name) => sum + duOf(path.join(p, name)), 0);
}

/** Renames, or reports false when the target is a non-empty folder already (another writer's entry). */
export async function renamed(from: string, to: string): Promise<boolean> {
  try {
    await fs.promises.rename(from, to);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOENT') return false;
    throw e;
  }
}

export function unreadable(dir: string, e: unknown): RtlabError {
  const code = (e as NodeJS.ErrnoException).code;
  return new RtlabError(
    'cache',
    `cannot read cache entry ${dir} (${code ?? (e as Error).message}); it was left in place: fix its permissions, or remove it to recompute`,
    { cause: e },
  );
}

/** A safetensors file's length prefix and JSON header, without its tensors; undefined when there is no file. */
export async function readSafetensorsHead(file: string): Promise<Buffer | undefined> {
  const handle = await fs.promises.open(file, 'r').catch(() => undefined);
  if (!handle) return undefined;
  try {
    const length = Buffer.alloc(8);
    await handle.read(length, 0, 8, 0);
    const n = Number(length.readBigUInt64LE(0));
    const size = (await handle.stat()).size;
    if (n > size - 8) throw new RtlabError('cache', `${file}: header length ${n} exceeds the file (${size} bytes)`);
    const head = Buffer.alloc(8 + n);
    await handle.read(head, 0, head.length, 0);
    return head;
  } finally {
    await handle.close();
  }
}

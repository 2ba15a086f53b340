import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Artifact, decodeSafetensors, RtlabError, safetensorsChunks } from '@rtlab/sdk';
import { CacheEntryFile, CacheEntryInfo, ENTRY_FILE, ENTRY_FORMAT, Producer, TENSORS_FILE } from './cache-entry';

const TMP_DIR = 'tmp';

/**
 * Content-addressed artifact store: `<root>/<key[0:2]>/<key>/{entry.json,tensors.safetensors}`.
 * Entries are written in a temporary folder and renamed into place, so a crash never leaves a half
 * entry under a real key; every read verifies size and sha256, and a corrupt entry is removed.
 */
export class ArtifactCache {
  constructor(
    readonly root: string,
    private readonly warn: (message: string) => void = (m) => process.stderr.write(`warning: ${m}\n`),
  ) {}

  entryDir(key: string): string {
    return path.join(this.root, key.slice(0, 2), key);
  }

  has(key: string): boolean {
    return fs.existsSync(path.join(this.entryDir(key), ENTRY_FILE));
  }

  /** The verified artifact, or undefined when absent or corrupt (a corrupt entry is removed with a warning). */
  async get(key: string): Promise<Artifact | undefined> {
    const dir = this.entryDir(key);
    if (!fs.existsSync(dir)) return undefined;
    try {
      const entry = this.readEntryFile(dir, key);
      const { bytes, sha256 } = await readHashed(path.join(dir, TENSORS_FILE));
      if (bytes.length !== entry.tensorsBytes) throw new Error(`tensor file has ${bytes.length} bytes, entry says ${entry.tensorsBytes}`);
      if (sha256 !== entry.tensorsSha256) throw new Error('tensor file sha256 does not match the entry');
      return { type: entry.type, meta: entry.meta, tensors: decodeSafetensors(bytes, path.join(dir, TENSORS_FILE)).tensors };
    } catch (e) {
      this.warn(`cache entry ${key.slice(0, 12)} is corrupt (${(e as Error).message}); removed, it will be recomputed`);
      await fs.promises.rm(dir, { recursive: true, force: true });
      return undefined;
    }
  }

  /** Writes an entry atomically. Aborting mid-write removes the temporary folder and throws. */
  async put(key: string, artifact: Artifact, producer: Producer, signal?: AbortSignal): Promise<void> {
    const tmp = path.join(this.root, TMP_DIR, `${key}.${process.pid}.${randomBytes(4).toString('hex')}`);
    await fs.promises.mkdir(tmp, { recursive: true });
    try {
      const { bytes, sha256 } = await writeChunks(path.join(tmp, TENSORS_FILE), safetensorsChunks(artifact.tensors), signal);
      const entry: CacheEntryFile = {
        format: ENTRY_FORMAT, key, type: artifact.type, meta: artifact.meta,
        tensorsBytes: bytes, tensorsSha256: sha256, createdAt: new Date().toISOString(), producer,
      };
      await writeChunks(path.join(tmp, ENTRY_FILE), [Buffer.from(JSON.stringify(entry, null, 1))], signal);
      const dir = this.entryDir(key);
      await fs.promises.mkdir(path.dirname(dir), { recursive: true });
      if (fs.existsSync(dir)) await fs.promises.rm(dir, { recursive: true, force: true });
      await fs.promises.rename(tmp, dir);
    } finally {
      await fs.promises.rm(tmp, { recursive: true, force: true });
    }
  }

  /** What entry.json says of one entry, without reading its tensors; undefined when absent or unreadable. */
  info(key: string): CacheEntryInfo | undefined {
    try {
      const e = this.readEntryFile(this.entryDir(key), key);
      return { key, type: e.type, bytes: e.tensorsBytes, createdAt: e.createdAt, producer: e.producer };
    } catch {
      return undefined;
    }
  }

  list(): CacheEntryInfo[] {
    const unreadable = (key: string): CacheEntryInfo => ({ key, type: '(corrupt)', bytes: 0, createdAt: '', producer: { node: '?', plugin: '?', version: '?', canonical: '' } });
    const keys = safeReaddir(this.root).filter((d) => d.length === 2).flatMap((fan) => safeReaddir(path.join(this.root, fan)));
    return keys.map((key) => this.info(key) ?? unreadable(key)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Total bytes on disk under the cache root, temporary folders included. */
  diskUsage(): number {
    return duOf(this.root);
  }

  async remove(key: string): Promise<void> {
    await fs.promises.rm(this.entryDir(key), { recursive: true, force: true });
  }

  /** Removes every entry whose key is not in `keep`, and leftover temporary folders. Returns the removed keys. */
  async gc(keep: ReadonlySet<string>): Promise<string[]> {
    const removed = this.list().map((e) => e.key).filter((k) => !keep.has(k));
    for (const key of removed) await this.remove(key);
    await fs.promises.rm(path.join(this.root, TMP_DIR), { recursive: true, force: true });
    return removed;
  }

  /** Removes temporary folders left by writers that died (SIGKILL, power loss); live writers' are kept. */
  async removeStaleTemporaries(): Promise<number> {
    const tmp = path.join(this.root, TMP_DIR);
    const stale = safeReaddir(tmp).filter((name) => !isAlive(Number(name.split('.')[1])));
    for (const name of stale) await fs.promises.rm(path.join(tmp, name), { recursive: true, force: true });
    return stale.length;
  }

  async clear(): Promise<void> {
    await fs.promises.rm(this.root, { recursive: true, force: true });
  }

  private readEntryFile(dir: string, key: string): CacheEntryFile {
    const entry = JSON.parse(fs.readFileSync(path.join(dir, ENTRY_FILE), 'utf8')) as CacheEntryFile;
    if (entry.format !== ENTRY_FORMAT || entry.key !== key) {
      throw new RtlabError('cache', `entry.json names key ${entry.key} (format ${entry.format}), expected ${key} (format ${ENTRY_FORMAT})`);
    }
    return entry;
  }
}

async function writeChunks(file: string, chunks: Buffer[], signal?: AbortSignal): Promise<{ bytes: number; sha256: string }> {
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

/** A whole file and its sha256, read in pieces: fs.readFile stops at 2 GiB, a Buffer holds up to 4 GiB. */
async function readHashed(file: string): Promise<{ bytes: Buffer; sha256: string }> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const bytes = Buffer.allocUnsafe((await handle.stat()).size);
    const hash = createHash('sha256');
    for (let at = 0; at < bytes.length;) {
      const { bytesRead } = await handle.read(bytes, at, Math.min(1 << 26, bytes.length - at), at);
      if (bytesRead === 0) throw new Error(`tensor file ended at byte ${at} while reading`);
      hash.update(bytes.subarray(at, at + bytesRead));
      at += bytesRead;
    }
    return { bytes, sha256: hash.digest('hex') };
  } finally {
    await handle.close();
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function duOf(p: string): number {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.size;
  return safeReaddir(p).reduce((sum, name) => sum + duOf(path.join(p, name)), 0);
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
